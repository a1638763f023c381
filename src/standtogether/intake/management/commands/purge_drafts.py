from django.core.management.base import BaseCommand

from standtogether.intake.journey import purge_expired


class Command(BaseCommand):
    help = "Delete expired drafts and their evidence files."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {purge_expired()} expired drafts")
