"""Every shipped language is complete: no untranslated or fuzzy string, no broken placeholder, the compiled
catalogue matches its source, and the catalogue covers every string in the code and templates."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _entries(po: Path) -> list[dict]:
    entries, current, key = [], {"flags": "", "msgid": "", "msgstr": {}}, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current["msgid"] or current["msgstr"]:
                entries.append(current)
            current, key = {"flags": "", "msgid": "", "msgstr": {}}, None
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            key = ("plural",)
            current["plural"] = _unquote(line.split(" ", 1)[1])
        elif line.startswith("msgid"):
            key = ("msgid",)
            current["msgid"] = _unquote(line.split(" ", 1)[1])
        elif line.startswith("msgstr"):
            index = re.match(r"msgstr(\[(\d+)\])?", line).group(2) or "0"
            key = ("msgstr", index)
            current["msgstr"][index] = _unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and key:
            if key[0] == "msgstr":
                current["msgstr"][key[1]] += _unquote(line)
            else:
                current[key[0]] += _unquote(line)
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n")


def test_there_are_shipped_languages():
    assert CATALOGUES, "no translation catalogues found"
    offered = {code for code, _ in settings.LANGUAGES} - {"en"}
    shipped = {po.parts[-3] for po in CATALOGUES}
    assert offered <= shipped, f"offered but not translated: {offered - shipped}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete_with_intact_placeholders(po):
    problems = []
    for entry in _entries(po):
        if not entry["msgid"]:
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid'][:60]!r}")
        for index, text in entry["msgstr"].items():
            if not text:
                problems.append(f"untranslated: {entry['msgid'][:60]!r} [{index}]")
                continue
            source = entry["msgid"] if index == "0" or "plural" not in entry else entry["plural"]
            wanted = set(PLACEHOLDER.findall(entry["msgid"])) | set(
                PLACEHOLDER.findall(entry.get("plural", ""))
            )
            if not set(PLACEHOLDER.findall(text)) <= wanted or (
                "plural" not in entry and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source))
            ):
                problems.append(f"placeholders differ: {entry['msgid'][:60]!r} [{index}]")
    assert problems == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_is_current(po, tmp_path):
    out = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check", "-o", str(out), str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == po.with_suffix(".mo").read_bytes(), "run: manage.py compilemessages"


def test_catalogues_cover_every_string_in_the_code(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "migrations"),
    )
    out = tmp_path / "locale"
    (out / "ar" / "LC_MESSAGES").mkdir(parents=True)
    import os

    cwd = os.getcwd()
    os.chdir(source)
    try:
        with override_settings(LOCALE_PATHS=[out]):
            call_command("makemessages", "-l", "ar", verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = {e["msgid"] for e in _entries(out / "ar" / "LC_MESSAGES" / "django.po") if e["msgid"]}
    for po in CATALOGUES:
        shipped = {e["msgid"] for e in _entries(po) if e["msgid"]}
        missing = sorted(extracted - shipped)
        assert missing == [], f"{po.parts[-3]} lacks {len(missing)} strings, e.g. {missing[:3]}"
