from django.core.management.base import BaseCommand

from standtogether.diary.actions import purge_unused


class Command(BaseCommand):
    help = "Delete private diaries unused for DIARY_UNUSED_DAYS, with their files."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {purge_unused()} unused diaries")
