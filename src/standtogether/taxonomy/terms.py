"""Looking up configuration terms by code, cached per process for a short while.

Every submit needs the same handful of rows (strands, types, places, areas, the triage agency); reading
them from the database each time cost a query each. Edits in the admin clear this process's cache at once
and reach other worker processes within TTL seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save

TTL = 60.0
_cache: dict[str, tuple[float, dict]] = {}


def _table(model) -> dict:
    key = model._meta.label_lower
    entry = _cache.get(key)
    if entry is None or time.monotonic() - entry[0] > TTL:
        entry = (time.monotonic(), {obj.code: obj for obj in model.objects.all()})
        _cache[key] = entry
    return entry[1]


def by_codes(model, codes: Iterable[str | None] | None) -> list:
    table = _table(model)
    return [table[code] for code in (codes or []) if code in table]


def triage_agency():
    from standtogether.partners.models import Agency

    return next((a for a in _table(Agency).values() if a.receives_new_reports and a.active), None)


def forget(*_args, **_kwargs) -> None:
    _cache.clear()


def connect_signals() -> None:
    from standtogether.partners.models import Agency

    from .models import Area, IncidentType, Marker, Setting, Strand

    for model in (Area, IncidentType, Marker, Setting, Strand, Agency):
        post_save.connect(forget, sender=model, dispatch_uid=f"terms-{model.__name__}-save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"terms-{model.__name__}-delete")
