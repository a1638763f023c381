"""Victims' Code clocks in working days, across weekends and England & Wales bank holidays."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from standtogether.cases import actions, clocks
from standtogether.cases.models import Case
from standtogether.core.calendar import add_working_days, is_working_day, working_days_between
from standtogether.partners.models import Role
from tests.factories import make_report
from tests.staff import member

LONDON = zoneinfo.ZoneInfo("Europe/London")
CONTACT = {
    "anonymous": "no",
    "name": "A",
    "email": "a@example.org",
    "phone": "07700900123",
    "address": "",
    "channels": ["email", "phone"],
    "safe_times": "",
    "safety": [],
}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    "start,days,end",
    [
        (at(2026, 11, 27, 17, 0), 1, dt.date(2026, 11, 30)),  # Friday -> Monday
        (
            at(2026, 12, 24, 9, 0),
            1,
            dt.date(2026, 12, 29),
        ),  # Christmas Eve -> after Christmas, Boxing Day (obs.)
        (at(2026, 4, 2, 10, 0), 1, dt.date(2026, 4, 7)),  # before Good Friday and Easter Monday
        (at(2026, 8, 28, 10, 0), 2, dt.date(2026, 9, 2)),  # late summer bank holiday Monday
        (at(2026, 11, 25, 10, 0), 5, dt.date(2026, 12, 2)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, days, end):
    due = add_working_days(start, days)
    assert timezone.localtime(due).date() == end


def test_calendar_basics():
    assert not is_working_day(dt.date(2026, 12, 25)) and not is_working_day(dt.date(2026, 11, 29))
    assert is_working_day(dt.date(2026, 11, 30))
    assert working_days_between(at(2026, 11, 27, 9), at(2026, 12, 1, 9)) == 2


@pytest.mark.django_db
def test_first_contact_clock_runs_from_friday_evening_to_monday_and_goes_overdue():
    with time_machine.travel(at(2026, 11, 27, 18, 0), tick=False):
        case = make_report(contact=CONTACT).case
        first = clocks.clocks(case)[0]
        assert first.name == "first_contact" and timezone.localtime(first.due_at).date() == dt.date(
            2026, 11, 30
        )
        assert not first.overdue
    with time_machine.travel(at(2026, 12, 1, 0, 30), tick=False):
        case = Case.system.get(pk=case.pk)
        assert [c.name for c in clocks.overdue(case)] == ["first_contact"]  # support: 2 working days
    with time_machine.travel(at(2026, 12, 2, 0, 30), tick=False):
        assert [c.name for c in clocks.overdue(case)] == ["first_contact", "support_referral"]


@pytest.mark.django_db
def test_contact_in_time_meets_the_clock():
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        case = make_report(contact=CONTACT).case
    with time_machine.travel(at(2026, 11, 30, 15, 0), tick=False):
        worker = member("warwickshire-hcp", Role.CASEWORKER)
        actions.record_contact(case, channel="phone", kind="contact", summary="called", by=worker)
        first = clocks.clocks(Case.system.get(pk=case.pk))[0]
        assert first.state == "met"


@pytest.mark.django_db
def test_anonymous_reports_have_no_contact_clocks():
    case = make_report().case
    assert clocks.clocks(case) == []


@pytest.mark.django_db
def test_key_event_starts_the_five_day_update_clock_and_update_meets_it():
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        case = make_report(contact=CONTACT).case
        supervisor = member("warwickshire-hcp", Role.SUPERVISOR)
        case = actions.assign_case(case, supervisor, by=supervisor, version=case.version)
        names = {c.name: c for c in clocks.clocks(case)}
        assert timezone.localtime(names["update_after_event"].due_at).date() == dt.date(2026, 12, 7)
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        actions.record_contact(case, channel="email", kind="update", summary="assigned", by=supervisor)
        names = {c.name: c for c in clocks.clocks(Case.system.get(pk=case.pk))}
        assert names["update_after_event"].state == "met"
        assert names["regular_update"].due_at.date() == dt.date(2026, 12, 16)


@pytest.mark.django_db
def test_queue_sorts_by_next_deadline_and_overdue_list_finds_every_overdue_case():
    from tests.staff import signed_in

    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        old = make_report(contact=CONTACT).case
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        new = make_report(contact=CONTACT).case
        anonymous = make_report().case
        old.refresh_from_db()
        assert old.next_due_clock == "first_contact"
        assert timezone.localtime(old.next_due_at).date() == dt.date(2026, 11, 3)
        assert anonymous.next_due_at is None
        client = signed_in(member("warwickshire-hcp", Role.COORDINATOR))
        page = client.get("/staff/cases/?overdue=1").content.decode()
        assert old.reference in page and new.reference not in page
        page = client.get("/staff/cases/").content.decode()
        assert page.index(old.reference) < page.index(new.reference) < page.index(anonymous.reference)
        # Recording the first contact moves the stored deadline on to the next clock.
        actions.record_contact(
            old,
            channel="phone",
            kind="contact",
            summary="called",
            by=member("warwickshire-hcp", Role.CASEWORKER),
        )
        old.refresh_from_db()
        assert old.next_due_clock == "support_referral"
