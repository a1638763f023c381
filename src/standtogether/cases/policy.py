"""The access policy: ONE table saying who may read which field groups and do which actions.

Rows are role x relation to the case; consent given by the reporter gates the personal field groups for
agencies the case was referred to. Every view, export, admin page and API endpoint asks `can()` /
`fields()`; querysets start from `Case.visible.for_member(member)`. Tests are generated from RULES.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from standtogether.partners.models import AgencyKind, Membership, Role


class Relation(StrEnum):
    OWNER = "owner"  # the member's agency owns the case
    REFERRED = "referred"  # referred to the member's agency, referral accepted
    INVITED = "invited"  # referred to the member's agency, not yet accepted or declined
    NONE = "none"


SUMMARY, DETAILS, CONTACT, EVIDENCE, IDENTITY, AUDIT = (
    "summary",
    "details",
    "contact",
    "evidence",
    "identity",
    "audit",
)
FIELD_GROUPS = (SUMMARY, DETAILS, CONTACT, EVIDENCE, IDENTITY, AUDIT)
PERSONAL = frozenset({CONTACT, IDENTITY})

ACTIONS = (
    "view",
    "assign",
    "classify",
    "assess_risk",
    "record_contact",
    "send_update",
    "refer",
    "respond_referral",
    "escalate",
    "resolve_concern",
    "close",
)


@dataclass(frozen=True)
class Rule:
    fields: frozenset[str]
    actions: frozenset[str]


def _rule(fields: set[str], actions: set[str]) -> Rule:
    return Rule(frozenset(fields), frozenset(actions))


HANDLE = {"view", "classify", "assess_risk", "record_contact", "send_update", "refer", "escalate", "close"}
ALL_FIELDS = set(FIELD_GROUPS)

RULES: dict[tuple[str, Relation], Rule] = {
    # The owning agency handles the case.
    (Role.CASEWORKER, Relation.OWNER): _rule(ALL_FIELDS - {AUDIT}, HANDLE),
    (Role.SUPERVISOR, Relation.OWNER): _rule(ALL_FIELDS, HANDLE | {"assign"}),
    (Role.COORDINATOR, Relation.OWNER): _rule(ALL_FIELDS, HANDLE | {"assign", "resolve_concern"}),
    (Role.ANALYST, Relation.OWNER): _rule({SUMMARY}, {"view"}),
    (Role.AGENCY_ADMIN, Relation.OWNER): _rule({SUMMARY}, {"view"}),
    # A partner the case was referred to: what happened, and the person only as far as consent allows.
    (Role.CASEWORKER, Relation.REFERRED): _rule(
        {SUMMARY, DETAILS, EVIDENCE} | PERSONAL, {"view", "record_contact"}
    ),
    (Role.SUPERVISOR, Relation.REFERRED): _rule(
        {SUMMARY, DETAILS, EVIDENCE, AUDIT} | PERSONAL, {"view", "record_contact", "respond_referral"}
    ),
    (Role.COORDINATOR, Relation.REFERRED): _rule({SUMMARY, DETAILS} | PERSONAL, {"view", "respond_referral"}),
    (Role.ANALYST, Relation.REFERRED): _rule({SUMMARY}, {"view"}),
    (Role.AGENCY_ADMIN, Relation.REFERRED): _rule({SUMMARY}, {"view"}),
    # A referral waiting in the partner's inbox: enough to decide, nothing personal.
    (Role.CASEWORKER, Relation.INVITED): _rule({SUMMARY}, {"view"}),
    (Role.SUPERVISOR, Relation.INVITED): _rule({SUMMARY}, {"view", "respond_referral"}),
    (Role.COORDINATOR, Relation.INVITED): _rule({SUMMARY}, {"view", "respond_referral"}),
    (Role.ANALYST, Relation.INVITED): _rule(set(), set()),
    (Role.AGENCY_ADMIN, Relation.INVITED): _rule(set(), set()),
}
NOTHING = _rule(set(), set())

# Which consent choice (intake ConsentForm) lets which kind of agency see the person.
CONSENT_FOR_KIND = {
    AgencyKind.POLICE: "police",
    AgencyKind.CPS: "police",
    AgencyKind.VICTIM_SUPPORT: "victim-support",
    AgencyKind.SCHOOL: "school-landlord",
    AgencyKind.HOUSING: "school-landlord",
    AgencyKind.COUNCIL: "council",
}


# What a partner the case was referred to needs, by kind of agency: each sees only what its job needs
# (a housing provider the person and the incident, to act on the tenancy, but not the evidence; a school
# the incident, and the person only if they agreed). Consent always gates `contact` and `identity`.
PARTNER_NEEDS = {
    AgencyKind.POLICE: frozenset({SUMMARY, DETAILS, EVIDENCE, CONTACT, IDENTITY, AUDIT}),
    AgencyKind.CPS: frozenset({SUMMARY, DETAILS, EVIDENCE, IDENTITY, AUDIT}),
    AgencyKind.VICTIM_SUPPORT: frozenset({SUMMARY, CONTACT, IDENTITY, AUDIT}),
    AgencyKind.HOUSING: frozenset({SUMMARY, DETAILS, CONTACT, IDENTITY, AUDIT}),
    AgencyKind.SCHOOL: frozenset({SUMMARY, DETAILS, CONTACT, IDENTITY, AUDIT}),
    AgencyKind.COUNCIL: frozenset({SUMMARY, DETAILS, CONTACT, IDENTITY, AUDIT}),
    AgencyKind.COMMUNITY: frozenset({SUMMARY, CONTACT, IDENTITY, AUDIT}),
}


# Staff pages about the partnership rather than one case, and the roles that may open them (anyone else
# gets 404, like a case they may not see). Tests are generated from this table too.
PARTNERSHIP_PAGES: dict[str, frozenset[str]] = {
    "languages": frozenset({Role.COORDINATOR, Role.AGENCY_ADMIN}),
    # Importing an agency's past records from CSV (intake/importing.py): for its own agency, or for any
    # agency by a coordinator of the partnership (may_import_for).
    "import": frozenset({Role.COORDINATOR, Role.AGENCY_ADMIN}),
}


def can_open(member: Membership | None, page: str) -> bool:
    return bool(member and member.active and member.role in PARTNERSHIP_PAGES.get(page, frozenset()))


def may_import_for(member: Membership | None, agency) -> bool:
    """Whose records a member may import: their own agency's, or any agency's for the partnership's
    coordinators (they bring in a partner's spreadsheet on its behalf)."""
    if not can_open(member, "import") or not agency.active:
        return False
    if member.agency_id == agency.pk:
        return True
    return member.role == Role.COORDINATOR and member.agency.kind == AgencyKind.PARTNERSHIP


def can_translate(member: Membership | None) -> bool:
    """Editing the site's translations is a task some people are trusted with whatever their role (a
    community reviewer may hold any role, or the least one: analyst): a flag on the membership, set in the
    admin. It gives no access to any case."""
    return bool(member and member.active and member.translator)


def consent_key(kind: str) -> str | None:
    return CONSENT_FOR_KIND.get(kind)


def consents(case, kind: str) -> bool:
    """Did the reporter agree to share with this kind of agency? (Withdrawal empties the list.)"""
    key = consent_key(kind)
    return bool(key) and key in set(case.consented_to())


def relation(member: Membership, case) -> Relation:
    if not member.active:
        return Relation.NONE
    if case.owner_agency_id == member.agency_id:
        return Relation.OWNER
    status = case.referral_status_for(member.agency_id)
    if status == "accepted":
        return Relation.REFERRED
    if status == "pending":
        return Relation.INVITED
    return Relation.NONE


def rule(member: Membership, case) -> Rule:
    return RULES.get((member.role, relation(member, case)), NOTHING)


def fields(member: Membership, case) -> frozenset[str]:
    current = rule(member, case)
    groups = set(current.fields)
    if relation(member, case) in (Relation.REFERRED, Relation.INVITED):
        groups &= PARTNER_NEEDS.get(member.agency.kind, frozenset({SUMMARY}))
        if not consents(case, member.agency.kind):
            groups -= PERSONAL
    return frozenset(groups)


def can(member: Membership, action: str, case) -> bool:
    return action in rule(member, case).actions


def require(member: Membership, action: str, case) -> None:
    if not can(member, action, case):
        raise PermissionDenied(action)


def can_read(member: Membership, group: str, case) -> bool:
    return group in fields(member, case)
