"""The hash-chained audit trail (design/security.md: audit trail)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from standtogether.core import audit
from standtogether.core.models import AuditEvent
from tests.factories import make_report


@pytest.mark.django_db
def test_submission_writes_a_chained_audit_event_without_sensitive_values():
    report = make_report(description="CANARY-audit description")
    events = list(AuditEvent.objects.filter(object_id=str(report.uuid)))
    assert [e.action for e in events] == ["report.submitted"]
    assert "CANARY" not in repr(events[0].details)
    ok, message = audit.verify()
    assert ok, message


@pytest.mark.django_db
def test_editing_history_breaks_the_chain():
    make_report()
    make_report()
    event = AuditEvent.objects.order_by("id").first()
    AuditEvent.objects.filter(pk=event.pk).update(action="report.nothing_to_see")
    ok, message = audit.verify()
    assert not ok and str(event.pk) in message
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.django_db
def test_deleting_the_last_event_is_detected():
    make_report()
    make_report()
    AuditEvent.objects.order_by("-id").first().delete()
    ok, _ = audit.verify()
    assert not ok


@pytest.mark.django_db
def test_audit_refuses_to_write_outside_a_transaction():
    with pytest.raises(RuntimeError):
        # pytest-django wraps the test in a transaction; leave it to prove the guard.
        with transaction.atomic():
            pass
        conn = transaction.get_connection()
        saved = conn.in_atomic_block
        conn.in_atomic_block = False
        try:
            audit.record("system", "test.event", object_type="x", object_id="1")
        finally:
            conn.in_atomic_block = saved
