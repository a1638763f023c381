"""Load a partnership's taxonomy from a data file. Idempotent: terms are matched by code and updated."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Area, IncidentType, Marker, Setting, Strand

DEFAULT_FILE = Path(__file__).parent / "data" / "default.json"
# Per-language files `<lang>.json`: {"strand": {"race": {"name": "…", "hint": "…"}}, "area": {…}, …}.
TRANSLATIONS_DIR = Path(__file__).parent / "data" / "translations"


def _translations(directory: Path) -> dict[str, dict[str, dict[str, dict]]]:
    """kind -> code -> language -> {"name", "hint"}, from every language file in `directory`."""
    merged: dict[str, dict[str, dict[str, dict]]] = {}
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        language = path.stem
        for kind, terms in json.loads(path.read_text(encoding="utf-8")).items():
            for code, text in terms.items():
                merged.setdefault(kind, {}).setdefault(code, {})[language] = text
    return merged


MODELS = {"strand": Strand, "marker": Marker, "incident_type": IncidentType, "setting": Setting, "area": Area}


@transaction.atomic
def load_taxonomy(path: Path = DEFAULT_FILE, translations_dir: Path = TRANSLATIONS_DIR) -> dict[str, int]:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    extra = _translations(translations_dir)
    counts: dict[str, int] = {}
    for kind, model in MODELS.items():
        for order, entry in enumerate(document.get(kind, []), start=1):
            entry = dict(entry)
            code = entry.pop("code")
            entry.setdefault("order", order * 10)
            entry["translations"] = {**extra.get(kind, {}).get(code, {}), **entry.get("translations", {})}
            model.objects.update_or_create(code=code, defaults=entry)
        counts[kind] = len(document.get(kind, []))
    return counts
