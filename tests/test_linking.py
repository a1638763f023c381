"""Link and merge: victim and witness reports of one incident, repeat victims; staff confirm."""

from __future__ import annotations

import pytest

from standtogether.cases import actions, linking
from standtogether.cases.models import Case
from standtogether.partners.models import Role
from tests.factories import make_report, make_report_with_secret
from tests.staff import member, signed_in

pytestmark = pytest.mark.django_db
CONTACT = {
    "anonymous": "no",
    "name": "B",
    "email": "Repeat.Victim@example.org",
    "phone": "",
    "address": "",
    "channels": ["email"],
    "safe_times": "",
    "safety": [],
}


def test_repeat_victim_is_suggested_by_blind_index_not_by_decrypting():
    first = make_report(contact=CONTACT).case
    second = make_report(
        contact={**CONTACT, "email": "repeat.victim@EXAMPLE.org "},
        when_where={"area": "warwick", "setting": "online"},
    ).case
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    found = linking.candidates(second, Case.visible.for_member(coordinator))
    assert [(c.case.pk, c.kind) for c in found] == [(first.pk, "repeat-victim")]
    assert "example.org" not in second.reports.get().email_index


def test_victim_and_witness_reports_merge_into_one_case_and_both_can_track_it(client):
    victim, victim_secret = make_report_with_secret(contact=CONTACT)
    witness, witness_secret = make_report_with_secret(who={"reporter_role": "witness"})
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    found = linking.candidates(victim.case, Case.visible.for_member(coordinator))
    assert found and found[0].kind == "same-incident"
    staff = signed_in(coordinator)
    staff.post(
        f"/staff/cases/{victim.case.reference}/link/",
        {"other": witness.case.reference, "kind": "same-incident", "merge": "1"},
    )
    merged = Case.system.get(pk=witness.case_id)
    assert merged.status == "closed" and merged.outcome == "merged"
    assert Case.system.get(pk=victim.case_id).reports.count() == 2
    witness.refresh_from_db()
    assert witness.case_id == victim.case_id
    # The witness's own code still opens their report, now showing the joined case's progress.
    client.post("/en/track/", {"reference": witness.reference, "code": witness_secret})
    assert client.get("/en/track/report/").status_code == 200


def test_linking_needs_permission_on_both_cases():
    mine = make_report().case
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    analyst = member("warwickshire-hcp", Role.ANALYST)
    other = make_report().case
    with pytest.raises(actions.policy.PermissionDenied):
        actions.link_cases(mine, other, kind="same-location", by=analyst)
    link = actions.link_cases(mine, other, kind="same-location", by=coordinator)
    assert link.other == other and other.links.get().other == mine
