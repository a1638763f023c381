"""Staff members for tests, signed in with a verified second factor (as the real sign-in leaves them)."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from standtogether.partners.models import Agency, Membership
from standtogether.staff import sessions

_counter = itertools.count()


def member(agency_code: str, role: str, **extra) -> Membership:
    user = get_user_model().objects.create_user(
        f"staff{next(_counter)}",
        password="a long staff passphrase 42",
        first_name=extra.pop("first_name", "Sam"),
    )
    return Membership.objects.create(
        user=user, agency=Agency.objects.get(code=agency_code), role=role, **extra
    )


def signed_in(membership: Membership, client: Client | None = None) -> Client:
    client = client or Client()
    client.force_login(membership.user)
    device = TOTPDevice.objects.create(user=membership.user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    now = timezone.now().timestamp()
    session[sessions.LOGIN_AT] = now
    session[sessions.SEEN_AT] = now
    session.save()
    return client
