"""Load the demo partnership: taxonomy, agencies, demo staff (docs/demo.md) and ~200 synthetic reports.

Safe to run on every `make run`: taxonomy and agencies are updated in place; users and reports are
loaded only the first time (recorded in core.InstallState), so nothing is ever duplicated.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from standtogether.core.models import InstallState
from standtogether.intake.demo import load_demo_reports
from standtogether.partners.loading import load_agencies, load_demo_staff
from standtogether.taxonomy.loading import load_taxonomy

DEMO_PASSWORD = "stand-together-demo"


class Command(BaseCommand):
    help = "Load the demo partnership (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=200)

    def handle(self, *args, **options):
        load_taxonomy()
        load_agencies()
        load_demo_staff(DEMO_PASSWORD)
        with transaction.atomic():
            state, _ = InstallState.objects.select_for_update().get_or_create(id=1)
            if state.demo_loaded_at:
                self.stdout.write("demo data already loaded: nothing added")
                return
            made = load_demo_reports(options["reports"])
            state.demo_loaded_at = timezone.now()
            state.save()
        self.stdout.write(self.style.SUCCESS(f"demo partnership loaded with {made} reports"))
