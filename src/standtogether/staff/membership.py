"""Which agency a member of staff is acting for. One person may belong to several agencies."""

from __future__ import annotations

from django.http import HttpRequest

from standtogether.partners.models import Membership

SESSION_KEY = "staff_membership"


def memberships(request: HttpRequest) -> list[Membership]:
    if not request.user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=request.user, active=True, agency__active=True).select_related(
            "agency"
        )
    )


def current(request: HttpRequest) -> Membership | None:
    options = memberships(request)
    chosen = request.session.get(SESSION_KEY)
    for membership in options:
        if membership.pk == chosen:
            return membership
    return options[0] if options else None


def choose(request: HttpRequest, membership_id: int) -> bool:
    if any(m.pk == membership_id for m in memberships(request)):
        request.session[SESSION_KEY] = membership_id
        return True
    return False
