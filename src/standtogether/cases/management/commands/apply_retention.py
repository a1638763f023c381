from django.core.management.base import BaseCommand

from standtogether.cases.retention import apply_retention


class Command(BaseCommand):
    help = "Erase personal and free-text fields of closed cases past their retention period (run daily)."

    def handle(self, *args, **options):
        counts = apply_retention()
        self.stdout.write(f"erased {counts['erased']} cases; identity erased on {counts['identity_erased']}")
