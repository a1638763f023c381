"""Membership changes: audited, and disabling one ends every session of that person at once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from standtogether.core import audit

from .models import Membership, StaffProfile


@transaction.atomic
def set_membership_active(membership: Membership, active: bool, *, by: str) -> Membership:
    membership.active = active
    membership.save(update_fields=["active"])
    if not active:
        profile, _ = StaffProfile.objects.get_or_create(user=membership.user)
        profile.sessions_valid_after = timezone.now()
        profile.save(update_fields=["sessions_valid_after"])
    audit.record(
        by,
        "membership.enabled" if active else "membership.disabled",
        membership,
        agency=membership.agency.code,
        role=membership.role,
    )
    return membership
