from django.core.management.base import BaseCommand, CommandError

from standtogether.core import audit


class Command(BaseCommand):
    help = "Walk the audit hash chain and report the first broken link."

    def handle(self, *args, **options):
        ok, message = audit.verify()
        if not ok:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {message}"))
