"""Load a partnership's agencies from a data file. Idempotent: matched by code."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from standtogether.taxonomy.models import Area

from .models import Agency, RelayRoute, ReportingCentre

DEFAULT_FILE = Path(__file__).parent / "data" / "warwickshire.json"


@transaction.atomic
def load_agencies(path: Path = DEFAULT_FILE) -> int:
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    for entry in entries:
        entry = dict(entry)
        code = entry.pop("code")
        area = entry.pop("area", None)
        relay = entry.pop("relay", None)
        centre = entry.pop("centre", None)
        entry["area"] = Area.objects.get(code=area) if area else None
        agency, _ = Agency.objects.update_or_create(code=code, defaults=entry)
        if relay is not None:
            load_relay_routes(agency, relay)
        if centre is not None:
            load_centre(agency, centre)
    return len(entries)


def load_relay_routes(agency: Agency, routes: list[dict]) -> None:
    """The file lists an agency's relay routes in full: one per kind; kinds it no longer lists go."""
    kinds = []
    for route in routes:
        values = dict(route)
        kind = values.pop("kind")
        kinds.append(kind)
        values.setdefault("active", True)
        RelayRoute.objects.update_or_create(agency=agency, kind=kind, defaults=values)
    RelayRoute.objects.filter(agency=agency).exclude(kind__in=kinds).delete()


def load_centre(agency: Agency, values: dict) -> ReportingCentre:
    """An agency's reporting centre details; `"centre": {}` with `"active": false` unlists it. Checked as the
    admin checks it (language codes, access features, a location that is in the boundary data)."""
    values = dict(values)
    if isinstance(values.get("address"), list):
        values["address"] = "\n".join(values["address"])
    values.setdefault("active", True)
    centre = ReportingCentre.objects.filter(agency=agency).first() or ReportingCentre(agency=agency)
    for field, value in values.items():
        setattr(centre, field, value)
    centre.full_clean()
    centre.save()
    return centre


DEMO_STAFF_FILE = Path(__file__).parent / "data" / "demo_staff.json"


@transaction.atomic
def load_demo_staff(password: str, path: Path = DEMO_STAFF_FILE) -> int:
    """Create demo staff and memberships once; never resets a password or a membership someone changed."""
    from django.contrib.auth import get_user_model

    from .models import Membership

    user_model = get_user_model()
    for entry in json.loads(Path(path).read_text(encoding="utf-8")):
        user, created = user_model.objects.get_or_create(
            username=entry["username"],
            defaults={
                "first_name": entry["first_name"],
                "last_name": entry["last_name"],
                "email": f"{entry['username']}@example.org",
                "is_staff": bool(entry.get("superuser")),
                "is_superuser": bool(entry.get("superuser")),
            },
        )
        if created:
            user.set_password(password)
            user.save()
        for membership in entry["memberships"]:
            values = dict(membership)
            agency = Agency.objects.get(code=values.pop("agency"))
            Membership.objects.get_or_create(user=user, agency=agency, defaults=values)
    return user_model.objects.count()
