"""Where each shipped language stands: machine draft or checked by a community reviewer, and how much of
it is translated.

The status is configuration: a data file (settings.LANGUAGE_STATUS_FILE) kept in git beside the catalogues
it describes, so a review and the status that records it land in the same commit (docs/translation/). The
share translated is computed at run time, read-only, from the compiled catalogue (the `.mo` that pages
are really served from) against its source catalogue (the `.po`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MACHINE_DRAFT = "machine-draft"
COMMUNITY_REVIEWED = "community-reviewed"
STATUS_LABELS = {
    MACHINE_DRAFT: _("Machine draft"),
    COMMUNITY_REVIEWED: _("Community reviewed"),
}
SOURCE_LANGUAGE = "en"


class StatusFileError(ValueError):
    pass


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    status: str = MACHINE_DRAFT
    reviewer: str = ""
    organisation: str = ""
    reviewed: date | None = None

    @property
    def machine_draft(self) -> bool:
        return self.status == MACHINE_DRAFT

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class LanguageRow:
    """One line of the staff languages page."""

    code: str
    name: str
    rtl: bool
    offered: bool
    status: LanguageStatus | None  # None for the source language
    translated: int
    total: int

    @property
    def percent(self) -> int | None:
        if self.status is None:
            return 100
        if not self.total:
            return None
        return int(100 * self.translated / self.total)


def _parse(raw: dict) -> dict[str, LanguageStatus]:
    statuses = {}
    for code, entry in raw.items():
        if code.startswith("_"):
            continue  # "_comment" and friends: notes for the people who edit the file
        if code not in settings.ALL_LANGUAGES or code == SOURCE_LANGUAGE:
            raise StatusFileError(f"{code}: not a translated language of this site")
        status = entry.get("status", MACHINE_DRAFT)
        if status not in STATUS_LABELS:
            raise StatusFileError(f"{code}: status must be one of {', '.join(STATUS_LABELS)}, not {status!r}")
        reviewed = entry.get("reviewed") or None
        if status == COMMUNITY_REVIEWED and not (entry.get("reviewer") or entry.get("organisation")):
            raise StatusFileError(f"{code}: a community review names its reviewer or organisation")
        statuses[code] = LanguageStatus(
            code=code,
            status=status,
            reviewer=entry.get("reviewer", ""),
            organisation=entry.get("organisation", ""),
            reviewed=date.fromisoformat(reviewed) if reviewed else None,
        )
    return statuses


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict[str, LanguageStatus]:
    return _parse(json.loads(Path(path).read_text(encoding="utf-8")))


def statuses() -> dict[str, LanguageStatus]:
    """Every translated language's status. Read again whenever the file changes."""
    path = Path(settings.LANGUAGE_STATUS_FILE)
    return _load(str(path), path.stat().st_mtime_ns)


def status_of(code: str) -> LanguageStatus | None:
    """None for the source language; a language the file does not mention counts as a machine draft, so
    the public notice errs on the side of saying so."""
    if code == SOURCE_LANGUAGE:
        return None
    return statuses().get(code) or LanguageStatus(code=code)


def is_machine_draft(code: str) -> bool:
    """For the notice on public pages: a missing or broken status file must never take the site down. It
    errs on the side of showing the notice, and says why in the log (`manage.py check` reports it too)."""
    try:
        current = status_of(code)
    except (OSError, ValueError) as error:
        logger.error("language status file unusable: %s", error)
        return code != SOURCE_LANGUAGE
    return bool(current and current.machine_draft)


def catalogue_path(code: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"


@lru_cache(maxsize=64)
def _coverage(po_path: str, po_mtime: int, mo_mtime: int) -> tuple[int, int]:
    po = polib.pofile(po_path)
    wanted = {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete and entry.msgid}
    compiled = polib.mofile(str(Path(po_path).with_suffix(".mo"))) if mo_mtime else []
    done = {
        (entry.msgctxt, entry.msgid)
        for entry in compiled
        if entry.msgid and (entry.msgstr or any(entry.msgstr_plural.values()))
    }
    return len(wanted & done), len(wanted)


def coverage(code: str) -> tuple[int, int]:
    """(strings translated in the compiled catalogue, strings in the source catalogue)."""
    po = catalogue_path(code)
    if not po.exists():
        return 0, 0
    mo = po.with_suffix(".mo")
    return _coverage(str(po), po.stat().st_mtime_ns, mo.stat().st_mtime_ns if mo.exists() else 0)


def overview() -> list[LanguageRow]:
    """Every language the site ships, English first, in the order of settings.ALL_LANGUAGES."""
    offered = {code for code, _name in settings.LANGUAGES}
    rows = []
    for code, name in settings.ALL_LANGUAGES.items():
        translated, total = (0, 0) if code == SOURCE_LANGUAGE else coverage(code)
        rows.append(
            LanguageRow(
                code=code,
                name=name,
                rtl=code in settings.RTL_LANGUAGES,
                offered=code in offered,
                status=status_of(code),
                translated=translated,
                total=total,
            )
        )
    return rows


def machine_drafts() -> list[tuple[str, str]]:
    """(code, name) of the offered languages whose translation nobody from the community has checked."""
    return [(code, name) for code, name in settings.LANGUAGES if is_machine_draft(code)]
