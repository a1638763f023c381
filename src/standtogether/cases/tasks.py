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
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
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
    _staff_mail(
        [case.officer.user.email],
        _("Due soon: %(clock)s for case %(reference)s"),
        _("%(clock)s for case %(reference)s is due by %(due)s."),
        case,
        clock,
        f"/staff/cases/{case.reference}/",
    )
    return 1


def _tell_supervisors(case: Case, clock: clocks.Clock) -> None:
    """A missed deadline goes to the supervisors and coordinators of the owning agency (reference only)."""
    people = Membership.objects.filter(
        agency_id=case.owner_agency_id, active=True, role__in=[Role.SUPERVISOR, Role.COORDINATOR]
    ).select_related("user")
    recipients = sorted({m.user.email for m in people if m.user.email})
    if recipients:
        _staff_mail(
            recipients,
            _("Missed deadline: %(clock)s for case %(reference)s"),
            _("%(clock)s for case %(reference)s was due by %(due)s and has not been met."),
            case,
            clock,
            "/staff/escalations/",
        )


def _staff_mail(recipients, subject, body, case: Case, clock: clocks.Clock, path: str) -> None:
    """Staff e-mail in the partnership's language (LANGUAGE_CODE): the reference, the deadline, a link."""
    with translation.override(settings.LANGUAGE_CODE):
        due = date_format(timezone.localtime(clock.due_at), "DATETIME_FORMAT")
        facts = {"clock": str(clock.label), "reference": case.reference, "due": due}
        send_mail(
            str(subject) % facts,
            f"{str(body) % facts}\n{settings.PUBLIC_BASE_URL}{path}",
            None,
            recipients,
            fail_silently=True,
        )


@task()
def check_clocks(reschedule: bool = True) -> dict[str, int]:
    from standtogether.diary.actions import purge_unused as purge_unused_diaries
    from standtogether.intake.journey import purge_expired

    counts = run_clock_checks()
    # Housekeeping on the same beat: unsent drafts (and their files) past their lifetime are deleted.
    counts["drafts_purged"] = purge_expired()
    # Private diaries nobody has used for DIARY_UNUSED_DAYS go with their files.
    counts["diaries_purged"] = purge_unused_diaries()
    if reschedule:
        check_clocks.using(run_after=timezone.now() + INTERVAL).enqueue(True)
    return counts
