"""The clock worker: reminders before a deadline, and escalation when one is missed.

Clocks are computed on read everywhere, so a late worker never hides an overdue case; this task only adds
the reminder e-mail and the recorded escalation. It re-enqueues itself (django-tasks has no scheduler);
`manage.py check_clocks` does the same from cron.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from standtogether.partners.models import Membership, Role

from . import actions, clocks
from .models import Case, CaseStatus, Reminder

INTERVAL = dt.timedelta(minutes=15)


def run_clock_checks(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    window = dt.timedelta(hours=settings.CLOCKS["reminder_hours"])
    counts = {"reminders": 0, "breaches": 0}
    cases = (
        Case.system.exclude(status=CaseStatus.CLOSED)
        .exclude(flag_quarantined=True)
        .select_related("officer__user")
        .prefetch_related("contacts", "referrals__to_agency", "escalations")
    )
    for case in cases.iterator(chunk_size=500):
        for clock in clocks.clocks(case):
            if clock.met_at is not None:
                continue
            if now > clock.due_at:
                if actions.escalate_breach(case, clock.name, clock.due_at):
                    counts["breaches"] += 1
                    _tell_supervisors(case, clock)
            elif clock.due_at - now <= window and case.officer and case.officer.user.email:
                counts["reminders"] += _remind(case, clock)
    return counts


def _remind(case: Case, clock: clocks.Clock) -> int:
    try:
        with transaction.atomic():
            Reminder.system.create(case=case, clock=clock.name, due_at=clock.due_at, sent_at=timezone.now())
    except IntegrityError:
        return 0  # already reminded for this deadline
    # Staff e-mail names the case reference and the deadline only: no report content leaves the system.
    due = timezone.localtime(clock.due_at)
    send_mail(
        f"Due soon: {clock.label} for case {case.reference}",
        f"{clock.label} for case {case.reference} is due by {due:%d %b %Y %H:%M}.\n"
        f"{settings.PUBLIC_BASE_URL}/staff/cases/{case.reference}/",
        None,
        [case.officer.user.email],
        fail_silently=True,
    )
    return 1


def _tell_supervisors(case: Case, clock: clocks.Clock) -> None:
    """A missed deadline goes to the supervisors and coordinators of the owning agency (reference only)."""
    people = Membership.objects.filter(
        agency_id=case.owner_agency_id, active=True, role__in=[Role.SUPERVISOR, Role.COORDINATOR]
    ).select_related("user")
    recipients = sorted({m.user.email for m in people if m.user.email})
    if recipients:
        send_mail(
            f"Missed deadline: {clock.label} for case {case.reference}",
            f"{clock.label} for case {case.reference} was due by "
            f"{timezone.localtime(clock.due_at):%d %b %Y %H:%M} and has not been met.\n"
            f"{settings.PUBLIC_BASE_URL}/staff/escalations/",
            None,
            recipients,
            fail_silently=True,
        )


@task()
def check_clocks(reschedule: bool = True) -> dict[str, int]:
    from standtogether.intake.journey import purge_expired

    counts = run_clock_checks()
    # Housekeeping on the same beat: unsent drafts (and their files) past their lifetime are deleted.
    counts["drafts_purged"] = purge_expired()
    if reschedule:
        check_clocks.using(run_after=timezone.now() + INTERVAL).enqueue(True)
    return counts
