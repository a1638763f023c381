"""Every change to a diary: one function each, one transaction, an audit event.

Audit events say only that something happened to a diary (its public id, the entry's id, counts): never
the code, never a word, date, place or file name from an entry. Argon2 runs before a transaction, never
inside one (SQLite holds its write lock from BEGIN).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from standtogether.core import audit
from standtogether.intake.uploads import CheckedFile

from . import files as file_store
from . import sealing
from .models import Diary, Entry, EntryFile
from .opening import OpenDiary
from .timeline import content_of

PUBLIC = "public"


class DiaryFull(Exception):
    pass


def create_diary(passphrase: str) -> tuple[OpenDiary, str]:
    """A new diary with a fresh code (shown once, never stored) and the owner's passphrase."""
    code = sealing.new_code()
    canonical = sealing.normalise_code(code)
    assert canonical is not None
    diary_uuid, salt, kdf = uuid.uuid4(), sealing.new_salt(), sealing.current_kdf()
    passphrase_key = sealing.derive(canonical, passphrase, salt, kdf)
    dek = sealing.new_data_key()
    sealed_key = sealing.seal_key(dek, passphrase_key, str(diary_uuid))
    key_id, lookup = sealing.lookup_for(canonical)
    now = timezone.now()
    with transaction.atomic():
        diary = Diary.system.create(
            uuid=diary_uuid,
            lookup=lookup,
            lookup_key_id=key_id,
            salt=salt,
            kdf=kdf,
            sealed_key=sealed_key,
            created_on=timezone.localdate(now),
            last_used_at=now,
        )
        audit.record(PUBLIC, "diary.created", diary)
    return OpenDiary(diary=diary, dek=dek), code


@transaction.atomic
def record_opening(diary: Diary, dek: bytes, reseal: dict | None) -> OpenDiary:
    """The owner opened the diary: its deletion clock starts again; stale sealing is replaced."""
    diary = Diary.system.select_for_update().get(pk=diary.pk)
    diary.last_used_at = timezone.now()
    changed = ["last_used_at"]
    if reseal:
        for name, value in reseal.items():
            setattr(diary, name, value)
        changed += list(reseal)
    diary.save(update_fields=changed)
    audit.record(PUBLIC, "diary.opened", diary, changed=changed)
    return OpenDiary(diary=diary, dek=dek)


def _touch(diary: Diary) -> None:
    diary.last_used_at = timezone.now()
    diary.save(update_fields=["last_used_at"])


def _store_files(opened: OpenDiary, entry: Entry, checked_files: list[CheckedFile]) -> list[dict]:
    metas = []
    for checked in checked_files:
        file_uuid = uuid.uuid4()
        stored_name = file_store.new_name()
        sealed = sealing.seal_file(
            opened.dek, str(opened.diary.uuid), str(entry.uuid), str(file_uuid), checked.content
        )
        file_store.write(stored_name, sealed)
        EntryFile.system.create(uuid=file_uuid, entry=entry, stored_name=stored_name)
        metas.append(
            {
                "uuid": str(file_uuid),
                "label": checked.label,
                "kind": checked.kind,
                "content_type": checked.content_type,
                "extension": checked.extension,
                "size": len(checked.content),
            }
        )
    return metas


def _seal(opened: OpenDiary, entry: Entry, content: dict) -> None:
    entry.sealed = sealing.seal_entry(opened.dek, str(opened.diary.uuid), str(entry.uuid), content)


@transaction.atomic
def add_entry(opened: OpenDiary, answers: dict, checked_files: list[CheckedFile]) -> Entry:
    if opened.diary.entries.count() >= settings.DIARY_MAX_ENTRIES:
        raise DiaryFull
    entry = Entry(uuid=uuid.uuid4(), diary=opened.diary)
    _seal(opened, entry, {})
    entry.save()
    content = {**answers, "added": timezone.now().isoformat(), "files": [], "reported": []}
    content["files"] = _store_files(opened, entry, checked_files)
    _seal(opened, entry, content)
    entry.save(update_fields=["sealed"])
    _touch(opened.diary)
    audit.record(PUBLIC, "diary.entry_added", opened.diary, entry=str(entry.uuid), files=len(checked_files))
    return entry


@transaction.atomic
def change_entry(opened: OpenDiary, entry: Entry, answers: dict, checked_files: list[CheckedFile]) -> Entry:
    content = content_of(opened, entry)
    content.update(answers)
    content["changed"] = timezone.now().isoformat()
    content["files"] = list(content.get("files") or []) + _store_files(opened, entry, checked_files)
    _seal(opened, entry, content)
    entry.save(update_fields=["sealed"])
    _touch(opened.diary)
    audit.record(
        PUBLIC,
        "diary.entry_changed",
        opened.diary,
        entry=str(entry.uuid),
        changed=sorted(answers),
        files=len(checked_files),
    )
    return entry


@transaction.atomic
def remove_file(opened: OpenDiary, entry: Entry, file_uuid: str) -> bool:
    content = content_of(opened, entry)
    kept = [f for f in content.get("files") or [] if f["uuid"] != file_uuid]
    stored = entry.files.filter(uuid=file_uuid).first()
    if stored is None or len(kept) == len(content.get("files") or []):
        return False
    file_store.delete([stored.stored_name])
    stored.delete()
    content["files"] = kept
    _seal(opened, entry, content)
    entry.save(update_fields=["sealed"])
    _touch(opened.diary)
    audit.record(PUBLIC, "diary.file_removed", opened.diary, entry=str(entry.uuid))
    return True


@transaction.atomic
def delete_entry(opened: OpenDiary, entry: Entry) -> None:
    file_store.delete(entry.files.values_list("stored_name", flat=True))
    entry_uuid = str(entry.uuid)
    entry.delete()
    _touch(opened.diary)
    audit.record(PUBLIC, "diary.entry_deleted", opened.diary, entry=entry_uuid)


@transaction.atomic
def record_reported(opened: OpenDiary, entries: list[Entry], reference: str) -> None:
    """These entries went into report `reference` (kept inside the sealed entries only)."""
    at = timezone.now().isoformat()
    for entry in entries:
        content = content_of(opened, entry)
        content["reported"] = list(content.get("reported") or []) + [{"at": at, "reference": reference}]
        _seal(opened, entry, content)
        entry.save(update_fields=["sealed"])
    _touch(opened.diary)
    # No reference here: the trail must not tie a diary to a case.
    audit.record(PUBLIC, "diary.entries_reported", opened.diary, entries=len(entries))


@transaction.atomic
def delete_diary(opened: OpenDiary) -> None:
    """The owner deletes the whole diary: rows and files go at once."""
    stored = EntryFile.system.filter(entry__diary=opened.diary).values_list("stored_name", flat=True)
    file_store.delete(list(stored))
    audit.record(PUBLIC, "diary.deleted", opened.diary, reason_code="owner")
    opened.diary.delete()


def purge_unused(now: dt.datetime | None = None) -> int:
    """Delete diaries nobody has opened or changed for DIARY_UNUSED_DAYS (run by the clock worker)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.DIARY_UNUSED_DAYS)
    count = 0
    for diary in Diary.system.filter(last_used_at__lte=cutoff).iterator():
        with transaction.atomic():
            stored = EntryFile.system.filter(entry__diary=diary).values_list("stored_name", flat=True)
            file_store.delete(list(stored))
            audit.record("system", "diary.deleted", diary, reason_code="unused")
            diary.delete()
        count += 1
    return count
