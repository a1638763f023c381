"""Load a partnership's agencies from a data file. Idempotent: matched by code."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from standtogether.taxonomy.models import Area

from .models import Agency

DEFAULT_FILE = Path(__file__).parent / "data" / "warwickshire.json"


@transaction.atomic
def load_agencies(path: Path = DEFAULT_FILE) -> int:
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    for entry in entries:
        entry = dict(entry)
        code = entry.pop("code")
        area = entry.pop("area", None)
        entry["area"] = Area.objects.get(code=area) if area else None
        Agency.objects.update_or_create(code=code, defaults=entry)
    return len(entries)
