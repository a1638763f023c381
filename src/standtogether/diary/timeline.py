"""Reading an open diary: its entries decrypted and in date order (reading is not a change: no audit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import files as file_store
from . import sealing
from .models import Entry
from .opening import OpenDiary

TEXT_FIELDS = ("what", "where", "who", "witnesses", "effect")


@dataclass
class EntryView:
    uuid: str
    date: dt.date | None
    approximate: bool
    time: str
    what: str
    where: str
    who: str
    witnesses: str
    effect: str
    files: list[dict] = field(default_factory=list)
    reported: list[dict] = field(default_factory=list)
    added: str = ""

    @property
    def reference(self) -> str:
        return next((r["reference"] for r in reversed(self.reported) if r.get("reference")), "")

    @property
    def file_count(self) -> int:
        return len(self.files)

    @property
    def when(self) -> str:
        if self.date is None:
            text = _("Date not known")
        elif self.approximate:
            text = _("About %(date)s") % {"date": date_format(self.date, "j E Y")}
        else:
            text = date_format(self.date, "j E Y")
        return f"{text}, {self.time}" if self.time else text


def view_of(entry_uuid: str, content: dict) -> EntryView:
    date = content.get("date") or ""
    return EntryView(
        uuid=str(entry_uuid),
        date=dt.date.fromisoformat(date) if date else None,
        approximate=bool(content.get("approximate")),
        time=content.get("time") or "",
        files=list(content.get("files") or []),
        reported=list(content.get("reported") or []),
        added=content.get("added") or "",
        **{name: content.get(name) or "" for name in TEXT_FIELDS},
    )


def content_of(opened: OpenDiary, entry: Entry) -> dict:
    return sealing.open_entry(opened.dek, str(opened.diary.uuid), str(entry.uuid), entry.sealed)


def entries(opened: OpenDiary) -> list[EntryView]:
    """Every entry, oldest first (a pattern reads in the order it happened); undated ones last."""
    views = [view_of(e.uuid, content_of(opened, e)) for e in opened.diary.entries.all()]
    return sorted(views, key=lambda v: (v.date is None, v.date or dt.date.min, v.added))


def entry(opened: OpenDiary, entry_uuid: str) -> tuple[Entry, EntryView] | None:
    row = opened.diary.entries.filter(uuid=entry_uuid).first() if _is_uuid(entry_uuid) else None
    if row is None:
        return None
    return row, view_of(row.uuid, content_of(opened, row))


def file_content(opened: OpenDiary, row: Entry, file_uuid: str) -> tuple[dict, bytes] | None:
    view = view_of(row.uuid, content_of(opened, row))
    meta = next((f for f in view.files if f["uuid"] == file_uuid), None)
    stored = row.files.filter(uuid=file_uuid).first() if meta and _is_uuid(file_uuid) else None
    if stored is None:
        return None
    sealed = file_store.read(stored.stored_name)
    return meta, sealing.open_file(opened.dek, str(opened.diary.uuid), str(row.uuid), file_uuid, sealed)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
