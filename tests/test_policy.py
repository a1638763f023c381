"""The access matrix, generated from the policy table: every role x relation x consent, on every staff
URL and action, allowed or denied (404: another agency's case id reveals nothing) — including IDOR probes."""

from __future__ import annotations

import itertools

import pytest

from standtogether.cases import actions, policy
from standtogether.cases.models import Referral
from standtogether.partners.models import Agency, Role
from tests.factories import make_report
from tests.staff import member, signed_in

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in Role]
# (relation, agency of the viewer)
SETUPS = [
    ("owner", "warwickshire-hcp"),
    ("referred", "warwickshire-police"),
    ("invited", "warwickshire-police"),
    ("none", "victim-support"),
    ("declined", "warwickshire-police"),
]
CONSENTS = [["police"], []]


def _case(relation: str, consent: list[str]):
    report = make_report(
        contact={
            "anonymous": "no",
            "name": "CANARY-NAME",
            "email": "canary@example.org",
            "phone": "",
            "address": "",
            "channels": ["email"],
            "safe_times": "",
            "safety": [],
        },
        consent={"share": consent, "partnership_only": not consent},
    )
    case = report.case
    if relation in ("referred", "invited", "declined"):
        referral = Referral.system.create(
            case=case,
            to_agency=Agency.objects.get(code="warwickshire-police"),
            by=member("warwickshire-hcp", Role.COORDINATOR),
            created_at=case.opened_at,
        )
        if relation != "invited":
            referral.status = "accepted" if relation == "referred" else "declined"
            referral.save()
    return case


@pytest.mark.parametrize(
    "role,setup,consent",
    list(itertools.product(ROLES, SETUPS, CONSENTS)),
    ids=lambda v: "-".join(v) if isinstance(v, list) else str(v),
)
def test_matrix(role, setup, consent):
    relation_name, agency = setup
    case = _case(relation_name, consent)
    viewer = member(agency, role)
    relation = policy.relation(viewer, case)
    expected_relation = {"declined": "none"}.get(relation_name, relation_name)
    assert relation == expected_relation
    rule = policy.RULES.get((role, relation), policy.NOTHING)
    groups = set(rule.fields)
    if relation in ("referred", "invited"):
        groups &= policy.PARTNER_NEEDS["police"]
        if "police" not in consent:
            groups -= policy.PERSONAL
    assert policy.fields(viewer, case) == groups

    client = signed_in(viewer)
    page = client.get(f"/staff/cases/{case.reference}/")
    if "view" in rule.actions:
        assert page.status_code == 200
        body = page.content.decode()
        assert ("What was reported" in body) == ("details" in groups)
        assert ("Show contact details" in body) == ("contact" in groups)
        reveal = client.post(f"/staff/cases/{case.reference}/reveal/", {"reason": "to call back"})
        if "contact" in groups:
            assert "CANARY-NAME" in client.get(f"/staff/cases/{case.reference}/").content.decode()
        else:
            assert reveal.status_code in (302, 404)
            assert "CANARY-NAME" not in client.get(f"/staff/cases/{case.reference}/").content.decode()
    else:
        assert page.status_code == 404
    # Every action URL: allowed ones change something or explain; denied ones are 404 and change nothing.
    for action, url, data in [
        ("assign", "assign", {"officer": viewer.pk, "version": case.version}),
        ("classify", "classify", {"classification": "crime", "version": case.version}),
        ("assess_risk", "risk", {"q_violence": "on", "version": case.version}),
        ("record_contact", "contact", {"channel": "phone", "kind": "partner", "summary": "spoke"}),
        ("refer", "refer", {"agency": Agency.objects.get(code="victim-support").pk, "note": ""}),
    ]:
        before = case.__class__.system.get(pk=case.pk).version
        if "version" in data:
            data["version"] = before  # as the page would show it now
        response = client.post(f"/staff/cases/{case.reference}/{url}/", data)
        after = case.__class__.system.get(pk=case.pk).version
        if action in rule.actions:
            # Done (redirect), or refused within the rules (consent, contact safety) and said why.
            assert response.status_code in (302, 400), (action, response.status_code)
            if response.status_code == 400:
                assert "Not done" in response.content.decode() and before == after
        else:
            assert response.status_code == 404 and before == after, (action, response.status_code)


# Staff pages about the partnership, not one case: every page in policy.PARTNERSHIP_PAGES has its URL here.
PARTNERSHIP_URLS = {"languages": "/staff/languages/", "import": "/staff/import/"}
TRANSLATION_URLS = ["/staff/translate/", "/staff/translate/ar/", "/staff/translate/ar/download/"]


def test_every_partnership_page_in_the_table_is_probed():
    assert set(PARTNERSHIP_URLS) == set(policy.PARTNERSHIP_PAGES)


@pytest.mark.parametrize("agency", ["warwickshire-hcp", "victim-support"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(policy.PARTNERSHIP_PAGES))
def test_partnership_pages_open_for_the_roles_in_the_table(page, role, agency):
    viewer = member(agency, role)
    response = signed_in(viewer).get(PARTNERSHIP_URLS[page])
    assert response.status_code == (200 if role in policy.PARTNERSHIP_PAGES[page] else 404)


@pytest.mark.parametrize("translator", [True, False], ids=["translator", "not-translator"])
@pytest.mark.parametrize("role", ROLES)
def test_translation_pages_open_for_the_translator_flag_whatever_the_role(role, translator):
    viewer = member("equip", role, translator=translator)
    assert policy.can_translate(viewer) is translator
    client = signed_in(viewer)
    for url in TRANSLATION_URLS:
        assert client.get(url).status_code == (200 if translator else 404), url
    # Nor can anyone without the flag save a translation (denied before anything is read or written).
    if not translator:
        assert client.post("/staff/translate/ar/", {"key": "0" * 16, "msgstr_0": "x"}).status_code == 404


def test_idor_other_agency_ids_look_like_nothing():
    case = _case("owner", ["police"])
    stranger = member("victim-support", Role.SUPERVISOR)
    client = signed_in(stranger)
    missing = client.get("/staff/cases/WST-0000-0000/")
    probed = client.get(f"/staff/cases/{case.reference}/")
    assert missing.status_code == probed.status_code == 404
    assert case.reference not in client.get("/staff/cases/").content.decode()


def test_referral_outside_consent_is_blocked_by_the_system():
    case = _case("owner", ["police"])
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    with pytest.raises(actions.Refused):
        actions.refer_case(
            case, Agency.objects.get(code="example-secondary-school"), reason="", by=coordinator
        )
    referral = actions.refer_case(
        case, Agency.objects.get(code="warwickshire-police"), reason="", by=coordinator
    )
    assert referral.status == "pending"


def test_consent_withdrawal_stops_sharing_and_is_recorded():
    case = _case("referred", ["police"])
    police = member("warwickshire-police", Role.CASEWORKER)
    assert "contact" in policy.fields(police, case)
    actions.withdraw_consent(case)
    case.refresh_from_db()
    assert "contact" not in policy.fields(police, case)
    with pytest.raises(actions.Refused):
        actions.refer_case(
            case,
            Agency.objects.get(code="victim-support"),
            reason="",
            by=member("warwickshire-hcp", Role.COORDINATOR),
        )


def test_disabled_membership_sees_nothing_and_its_sessions_end():
    from standtogether.partners.actions import set_membership_active

    case = _case("owner", [])
    worker = member("warwickshire-hcp", Role.CASEWORKER)
    client = signed_in(worker)
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 200
    set_membership_active(worker, False, by="system")
    response = client.get(f"/staff/cases/{case.reference}/")
    assert response.status_code == 302 and "expired" in response["Location"]


@pytest.mark.parametrize(
    "agency,consent,expected",
    [
        # A housing provider: the person and the incident (with consent), never the evidence.
        ("orbit-housing", ["school-landlord"], {"summary", "details", "contact", "identity"}),
        ("orbit-housing", [], {"summary", "details"}),
        # A school: what happened; the person's contact details only if they agreed; never the evidence.
        ("example-secondary-school", [], {"summary", "details"}),
        ("example-secondary-school", ["school-landlord"], {"summary", "details", "contact", "identity"}),
        # The council: what happened, and the person only if they agreed.
        ("warwick-dc", ["council"], {"summary", "details", "contact", "identity"}),
        ("warwick-dc", ["police"], {"summary", "details"}),
        # Victim Support: the person (with consent) to offer support, not the details or evidence.
        ("victim-support", ["victim-support"], {"summary", "contact", "identity"}),
    ],
)
def test_each_kind_of_partner_sees_only_what_its_job_needs(agency, consent, expected):
    report = make_report(
        contact={
            "anonymous": "no",
            "name": "N",
            "email": "n@example.org",
            "phone": "",
            "address": "",
            "channels": ["email"],
            "safe_times": "",
            "safety": [],
        },
        consent={"share": consent, "partnership_only": not consent},
    )
    partner = Agency.objects.get(code=agency)
    Referral.system.create(
        case=report.case,
        to_agency=partner,
        status="accepted",
        by=member("warwickshire-hcp", Role.COORDINATOR),
        created_at=report.case.opened_at,
    )
    caseworker = member(agency, Role.CASEWORKER)
    assert set(policy.fields(caseworker, report.case)) == expected
