"""Load a partnership's taxonomy from a data file. Idempotent: terms are matched by code and updated."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Area, IncidentType, Marker, Setting, Strand

DEFAULT_FILE = Path(__file__).parent / "data" / "default.json"
MODELS = {"strand": Strand, "marker": Marker, "incident_type": IncidentType, "setting": Setting, "area": Area}


@transaction.atomic
def load_taxonomy(path: Path = DEFAULT_FILE) -> dict[str, int]:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for kind, model in MODELS.items():
        for order, entry in enumerate(document.get(kind, []), start=1):
            entry = dict(entry)
            code = entry.pop("code")
            entry.setdefault("order", order * 10)
            model.objects.update_or_create(code=code, defaults=entry)
        counts[kind] = len(document.get(kind, []))
    return counts
