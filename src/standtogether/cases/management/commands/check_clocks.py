from django.core.management.base import BaseCommand

from standtogether.cases.tasks import check_clocks, run_clock_checks


class Command(BaseCommand):
    help = "Send reminders before Victims' Code deadlines and escalate missed ones (cron, or --enqueue once)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="start the self-rescheduling worker task")

    def handle(self, *args, **options):
        if options["enqueue"]:
            # One self-rescheduling chain is enough: do not start another on every `make run`.
            from django_tasks_db.models import DBTaskResult

            waiting = DBTaskResult.objects.filter(
                task_path=check_clocks.module_path, status__in=["READY", "RUNNING"]
            ).exists()
            if not waiting:
                check_clocks.enqueue(True)
            self.stdout.write("clock checks are scheduled for the db_worker")
            return
        counts = run_clock_checks()
        self.stdout.write(f"reminders sent: {counts['reminders']}, breaches escalated: {counts['breaches']}")
