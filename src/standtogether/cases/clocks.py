"""The Victims' Code clocks, computed on read from the case's own record, so nothing depends on a worker
having run on time. The worker (`cases/tasks.py`) only records breaches and escalates them.

- first contact within 1 working day (enhanced rights for hate crime victims), when contact is allowed;
- support (Victim Support) offered within 2 working days;
- an update within 5 working days of each key event, and at least every 14 days while the case is open.
All lengths are settings (settings.CLOCKS).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from standtogether.core.calendar import add_working_days

from .models import Case, ContactKind

LABELS = {
    "first_contact": _("First contact"),
    "support_referral": _("Support offered"),
    "update_after_event": _("Update after a key event"),
    "regular_update": _("Regular update"),
    "concern": _("Answer to the reporter's concern"),
}


INTERPRETER_NOTE = _("The reporter needs an interpreter. Book one in time for this first contact.")


def label_of(name: str):
    return LABELS.get(name.split(":")[0], name)


@dataclass(frozen=True)
class Clock:
    name: str
    label: Promise
    due_at: dt.datetime
    met_at: dt.datetime | None
    note: str | Promise = ""

    @property
    def overdue(self) -> bool:
        return self.met_at is None and timezone.now() > self.due_at

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met" if self.met_at <= self.due_at else "met-late"
        return "overdue" if self.overdue else "running"


def _first(contacts, kinds: set[str], after: dt.datetime | None = None) -> dt.datetime | None:
    times = [c.at for c in contacts if c.kind in kinds and (after is None or c.at >= after)]
    return min(times) if times else None


def _last(contacts, kinds: set[str]) -> dt.datetime | None:
    times = [c.at for c in contacts if c.kind in kinds]
    return max(times) if times else None


def clocks(case: Case) -> list[Clock]:
    """Every clock of the case (met or not), oldest due first."""
    limits = settings.CLOCKS
    contacts = list(case.contacts.all())
    result: list[Clock] = []
    if not case.flag_anonymous:
        result.append(
            Clock(
                "first_contact",
                LABELS["first_contact"],
                add_working_days(case.opened_at, limits["first_contact"]),
                _first(contacts, {ContactKind.CONTACT, ContactKind.UPDATE, ContactKind.SUPPORT_OFFERED}),
                INTERPRETER_NOTE if case.flag_interpreter else "",
            )
        )
        offered = _first(contacts, {ContactKind.SUPPORT_OFFERED})
        referred = [r.created_at for r in case.referrals.all() if r.to_agency.kind == "victim-support"]
        met = min([t for t in [offered, *referred] if t], default=None)
        result.append(
            Clock(
                "support_referral",
                LABELS["support_referral"],
                add_working_days(case.opened_at, limits["support_referral"]),
                met,
            )
        )
        if case.last_key_event_at:
            result.append(
                Clock(
                    "update_after_event",
                    LABELS["update_after_event"],
                    add_working_days(case.last_key_event_at, limits["update_after_event"]),
                    _first(contacts, {ContactKind.UPDATE}, after=case.last_key_event_at),
                )
            )
        if case.status != "closed":
            last_update = _last(contacts, {ContactKind.UPDATE}) or case.opened_at
            result.append(
                Clock(
                    "regular_update",
                    LABELS["regular_update"],
                    last_update + dt.timedelta(days=limits["update_interval_days"]),
                    None,
                )
            )
    for escalation in case.escalations.all():
        if escalation.kind == "concern":
            result.append(
                Clock(
                    f"concern:{escalation.pk}",
                    LABELS["concern"],
                    add_working_days(escalation.raised_at, limits["concern_response"]),
                    escalation.resolved_at,
                )
            )
    return sorted(result, key=lambda clock: clock.due_at)


def next_due(case: Case) -> Clock | None:
    open_clocks = [clock for clock in clocks(case) if clock.met_at is None]
    return open_clocks[0] if open_clocks else None


def overdue(case: Case) -> list[Clock]:
    return [clock for clock in clocks(case) if clock.overdue]


def refresh_next_due(case: Case) -> None:
    """Store the earliest unmet clock on the case (without bumping its version: not a staff edit)."""
    clock = next_due(case)
    values = {"next_due_at": clock.due_at if clock else None, "next_due_clock": clock.name if clock else ""}
    Case.system.filter(pk=case.pk).update(**values)
    for name, value in values.items():
        setattr(case, name, value)
