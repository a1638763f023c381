"""Two concurrent submits of one check page (double click, two tabs, a retry) make exactly one report."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from standtogether.cases.models import Case
from standtogether.intake import actions
from standtogether.intake.models import Draft, Report
from tests.factories import DraftFactory


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_make_one_report():
    draft = DraftFactory()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            results.append(actions.submit_report(Draft.system.get(pk=draft.pk), "same-key"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Report.system.count() == 1 and Case.system.count() == 1
    assert {report.pk for report, _ in results} == {Report.system.get().pk}
    assert sorted(created for _, created in results) == [False, True]


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_report():
    draft = DraftFactory()
    first, created = actions.submit_report(draft, "retry-key")
    again, created_again = actions.submit_report(draft, "retry-key")
    assert created and not created_again and first.pk == again.pk
