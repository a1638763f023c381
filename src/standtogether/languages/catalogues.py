"""One language's catalogue as translators see it in the browser: read the entries, check a translation,
write it back into the `.po` and compile the `.mo`.

The `.po` files in git are the source of truth. A save changes only the lines of the one entry it edits
(no re-wrapping of the rest of the file), so the change reads cleanly in a diff and is committed like any
other (docs/translation/README.md). The new `.po` is compiled with gettext's own `msgfmt --check-format`
(the tool `manage.py compilemessages` runs) before either file is replaced, so a catalogue that would
break a page is never written.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation import gettext as _

from .status import SOURCE_LANGUAGE, catalogue_path

# What must survive translation unchanged: Python placeholders (%(name)s, %s, %d), and HTML tags (a
# translation must not add a link or markup the English does not have: it is shown on public pages).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
PERCENT = re.compile(r"%\(\w+\)[sdif]|%[sdif]|%%|%")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


class CatalogueError(Exception):
    """The catalogue cannot be changed (not writable, no compiler, or the compiler refused it)."""


class Conflict(Exception):
    """The entry changed since the translator opened it."""


@dataclass
class Entry:
    key: str
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)  # one text per plural form; one if not plural
    fuzzy: bool = False
    python_format: bool = False
    occurrences: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def state(self) -> str:
        if not any(self.msgstr):
            return "untranslated"
        if self.fuzzy or not all(self.msgstr):
            return "fuzzy"
        return "translated"

    @property
    def version(self) -> str:
        return version_of(self.msgstr, self.fuzzy)

    @property
    def placeholders(self) -> list[str]:
        return sorted(set(PLACEHOLDER.findall(self.msgid + self.msgid_plural)))

    @property
    def tags(self) -> list[str]:
        return sorted(set(TAG.findall(self.msgid + self.msgid_plural)))


def entry_key(msgctxt: str | None, msgid: str) -> str:
    return hashlib.sha256(f"{msgctxt or ''}\x04{msgid}".encode()).hexdigest()[:16]


def version_of(msgstr: list[str], fuzzy: bool) -> str:
    return hashlib.sha256(json.dumps([msgstr, fuzzy]).encode()).hexdigest()[:16]


def languages() -> list[tuple[str, str]]:
    """(code, name) of every language with a catalogue to translate, in the site's order."""
    return [
        (code, name)
        for code, name in settings.ALL_LANGUAGES.items()
        if code != SOURCE_LANGUAGE and catalogue_path(code).exists()
    ]


def is_language(code: str) -> bool:
    return code in dict(languages())


def writable(code: str) -> bool:
    path = catalogue_path(code)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read(code: str) -> list[Entry]:
    entries = []
    for item in polib.pofile(str(catalogue_path(code)), wrapwidth=0):
        if item.obsolete or not item.msgid:
            continue
        if item.msgid_plural:
            texts = [item.msgstr_plural[index] for index in sorted(item.msgstr_plural)]
        else:
            texts = [item.msgstr]
        entries.append(
            Entry(
                key=entry_key(item.msgctxt, item.msgid),
                msgid=item.msgid,
                msgid_plural=item.msgid_plural,
                msgctxt=item.msgctxt,
                msgstr=texts,
                fuzzy="fuzzy" in item.flags,
                python_format="python-format" in item.flags,
                occurrences=[f"{path}:{line}" if line else path for path, line in item.occurrences],
                notes=item.comment,
            )
        )
    return entries


def find(code: str, key: str) -> Entry | None:
    return next((entry for entry in read(code) if entry.key == key), None)


def search(entries: list[Entry], query: str, *, todo: bool) -> list[Entry]:
    query = query.strip().casefold()
    return [
        entry
        for entry in entries
        if (not todo or entry.state != "translated")
        and (
            not query
            or query in entry.msgid.casefold()
            or query in entry.msgid_plural.casefold()
            or any(query in text.casefold() for text in entry.msgstr)
        )
    ]


def problems(entry: Entry, texts: list[str]) -> list[str]:
    """What is wrong with a translation, in words a translator can act on. Empty texts are allowed (the
    English is shown instead); anything else must keep the placeholders and tags of the English."""
    found = []
    if len(texts) != len(entry.msgstr):
        return [_("Fill in every form of this translation.")]
    wanted_placeholders = set(entry.placeholders)
    for number, text in enumerate(texts):
        wanted_tags = sorted(
            TAG.findall(entry.msgid_plural if entry.msgid_plural and number else entry.msgid)
        )
        if not text:
            continue
        got = set(PLACEHOLDER.findall(text))
        # A plural form may leave out the number (e.g. "one day"), never add or rename a placeholder.
        if got - wanted_placeholders or (not entry.msgid_plural and got != wanted_placeholders):
            found.append(
                _("Keep these exactly as they are, each one: %(placeholders)s")
                % {"placeholders": " ".join(entry.placeholders) or _("(none)")}
            )
        stray = [token for token in PERCENT.findall(text) if token == "%"]
        if stray and (entry.python_format or wanted_placeholders):
            found.append(_("Write a percent sign as %% in this text, or it will break the page."))
        if sorted(TAG.findall(text)) != wanted_tags:
            found.append(_("Keep the same HTML tags as the English, and add no others."))
        if "\x00" in text:
            found.append(_("Remove the invisible control characters."))
    return list(dict.fromkeys(found))


# --- writing ---------------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    names = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: names.get(match[1], match[1]), text)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )


def _quoted(keyword: str, text: str) -> list[str]:
    """A msgstr the way gettext writes one: on one line, or split after each newline."""
    parts = text.splitlines(keepends=True)
    if len(parts) <= 1:
        return [f'{keyword} "{_escape(text)}"']
    return [f'{keyword} ""'] + [f'"{_escape(part)}"' for part in parts]


def _blocks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, end) line ranges of the entries: runs of lines between blank lines."""
    start = None
    for number, line in enumerate(lines + [""]):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            yield start, number
            start = None


def _fields(block: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    current = None
    for line in block:
        if line.startswith("#"):
            current = None
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$', line)
        if match:
            current = match[1]
            values[current] = _unescape(match[2])
        elif line.startswith('"') and current:
            values[current] += _unescape(line.strip()[1:-1])
    return values


def _rewrite(block: list[str], texts: list[str], fuzzy: bool) -> list[str]:
    """The entry with its new msgstr lines and flags; every other line exactly as it was."""
    comments, previous, flags, body = [], [], [], []
    in_entry = False
    for line in block:
        if line.startswith(("msgctxt", "msgid")):
            in_entry = True
        if not in_entry:
            if line.startswith("#,"):
                flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() not in ("", "fuzzy")]
            elif line.startswith("#|"):
                previous.append(line)
            else:
                comments.append(line)
        elif line.startswith("msgstr"):
            break  # msgstr comes last in an entry: everything from here on is replaced
        else:
            body.append(line)
    if any(line.startswith("msgid_plural") for line in body):
        for index, text in enumerate(texts):
            body += _quoted(f"msgstr[{index}]", text)
    else:
        body += _quoted("msgstr", texts[0])
    if fuzzy:
        flags.insert(0, "fuzzy")
    # "#|" lines hold the English a fuzzy entry was translated from: meaningless once it is checked.
    return comments + ([f"#, {', '.join(flags)}"] if flags else []) + (previous if fuzzy else []) + body


def tidy(entry: Entry, texts: list[str]) -> list[str]:
    """Browsers send CRLF line ends; gettext wants a translation to start and end with a newline exactly
    when the English does."""
    tidied = []
    for text in texts:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            text = text.strip("\n")
            if entry.msgid.startswith("\n"):
                text = "\n" + text
            if entry.msgid.endswith("\n"):
                text += "\n"
        tidied.append(text)
    return tidied


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One writer per language at a time, across processes (the directory's inode never changes, unlike
    the files we replace)."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def write(code: str, key: str, texts: list[str], *, fuzzy: bool, version: str) -> None:
    """Put `texts` into the entry `key` if it is still at `version`; compile; replace both files."""
    po_path = catalogue_path(code)
    if not writable(code):
        raise CatalogueError(_("This copy of the translations cannot be changed on this server."))
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise CatalogueError(_("This server cannot compile translations: gettext is not installed."))
    with _locked(po_path.parent):
        source = po_path.read_text(encoding="utf-8")
        lines = source.split("\n")
        for first, end in _blocks(lines):
            block = lines[first:end]
            if any(line.startswith("#~") for line in block):
                continue
            values = _fields(block)
            if "msgid" not in values or entry_key(values.get("msgctxt"), values["msgid"]) != key:
                continue
            current = [values[name] for name in sorted(values) if name.startswith("msgstr")]
            was_fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block)
            if version_of(current, was_fuzzy) != version:
                raise Conflict(key)
            lines[first:end] = _rewrite(block, texts, fuzzy)
            break
        else:
            raise Conflict(key)
        with tempfile.TemporaryDirectory(dir=po_path.parent, prefix=".translate-") as scratch:
            new_po, new_mo = Path(scratch) / "django.po", Path(scratch) / "django.mo"
            new_po.write_text("\n".join(lines), encoding="utf-8")
            result = subprocess.run(
                [msgfmt, "--check-format", "-o", str(new_mo), str(new_po)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CatalogueError(
                    _("This translation would break the page. Check the percent signs and the tags.")
                )
            for made in (new_po, new_mo):
                os.chmod(made, po_path.stat().st_mode & 0o777)
            os.replace(new_mo, po_path.with_suffix(".mo"))
            os.replace(new_po, po_path)
    _forget_loaded_translations()


def _forget_loaded_translations() -> None:
    """Make this process read the new catalogue (what Django's development autoreloader does when a .mo
    changes). Other server processes read it when they restart."""
    import gettext

    from django.utils.translation import trans_real

    gettext._translations = {}  # type: ignore[attr-defined]
    trans_real._translations = {}
    trans_real._default = None
