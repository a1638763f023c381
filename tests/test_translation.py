"""Languages as the partnership sees them (status, share translated, offered) and translators working in the
browser: who gets in, what a save changes (one entry of a temporary copy of the catalogue, compiled, audited),
and what it refuses. The real catalogues under src/ are never written: every test that saves points
LOCALE_PATHS at a copy."""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client, override_settings

from standtogether.core import audit
from standtogether.core.models import AuditEvent
from standtogether.languages import catalogues, status
from standtogether.partners.models import Role
from tests.staff import member, signed_in

pytestmark = pytest.mark.django_db

REAL_LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGE_ENTRY = "The reporter prefers %(language)s and this officer does not speak it: book an interpreter."


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def locale_copy(tmp_path):
    """A copy of the shipped catalogues; LOCALE_PATHS points at it for the test."""
    copy = tmp_path / "locale"
    shutil.copytree(REAL_LOCALE, copy, ignore=shutil.ignore_patterns("*.lock"))
    before = {po: _digest(po) for po in REAL_LOCALE.glob("*/LC_MESSAGES/django.[pm]o")}
    with override_settings(LOCALE_PATHS=[copy]):
        yield copy
    after = {po: _digest(po) for po in REAL_LOCALE.glob("*/LC_MESSAGES/django.[pm]o")}
    assert after == before, "a test wrote to the real catalogues"


def _translator(role=Role.CASEWORKER, agency="equip"):
    return member(agency, role, translator=True)


def _entry(code: str, msgid: str) -> catalogues.Entry:
    return next(entry for entry in catalogues.read(code) if entry.msgid == msgid)


# --- status ------------------------------------------------------------------------------------------------


def test_every_shipped_language_is_a_machine_draft_today():
    shipped = set(settings.ALL_LANGUAGES) - {"en"}
    assert set(status.statuses()) == shipped
    assert all(entry.machine_draft for entry in status.statuses().values())


def test_the_status_file_refuses_what_it_cannot_mean(tmp_path):
    bad = tmp_path / "languages.json"
    for content in (
        {"pl": {"status": "looks fine"}},
        {"xx": {"status": "machine-draft"}},
        {"pl": {"status": "community-reviewed"}},  # reviewed by nobody
    ):
        bad.write_text(json.dumps(content), encoding="utf-8")
        with override_settings(LANGUAGE_STATUS_FILE=bad), pytest.raises(status.StatusFileError):
            status.statuses()


def test_the_share_translated_is_read_from_the_compiled_catalogue(locale_copy):
    (row,) = [row for row in status.overview() if row.code == "pl"]
    assert row.percent == 100 and row.translated == row.total > 0
    # Compile a catalogue that lacks one translation, leaving the .po as it is: the page reports what
    # people are really served.
    po = polib.pofile(str(locale_copy / "pl" / "LC_MESSAGES" / "django.po"))
    po[0].msgstr = ""
    po.save(str(locale_copy / "partial.po"))
    mo = locale_copy / "pl" / "LC_MESSAGES" / "django.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(locale_copy / "partial.po")], check=True)
    (row,) = [row for row in status.overview() if row.code == "pl"]
    assert row.translated == row.total - 1 and row.percent == 99


def test_the_languages_page_lists_each_language_with_its_status(client):
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    with override_settings(LANGUAGES=[(code, name) for code, name in settings.LANGUAGES if code != "bg"]):
        page = signed_in(coordinator).get("/staff/languages/").content.decode()
    table = page.split('id="languages"', 1)[1]
    for code, name in settings.ALL_LANGUAGES.items():
        assert f'id="language-{code}"' in table and name in table
    bulgarian = table.split('id="language-bg"', 1)[1].split("</tr>", 1)[0]
    arabic = table.split('id="language-ar"', 1)[1].split("</tr>", 1)[0]
    assert "Machine draft" in arabic and "100%" in arabic and ">Yes<" in arabic
    assert ">No<" in bulgarian
    assert '<span lang="ar" dir="rtl">العربية</span>' in arabic


def test_a_reviewed_language_shows_its_reviewer(client, tmp_path):
    data = json.loads(settings.LANGUAGE_STATUS_FILE.read_text(encoding="utf-8"))
    data["pl"] = {
        "status": "community-reviewed",
        "reviewer": "Ola Nowak",
        "organisation": "Polish Community Centre",
        "reviewed": "2026-12-01",
    }
    changed = tmp_path / "languages.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    with override_settings(LANGUAGE_STATUS_FILE=changed):
        page = signed_in(member("warwickshire-hcp", Role.AGENCY_ADMIN)).get("/staff/languages/")
    polish = page.content.decode().split('id="language-pl"', 1)[1].split("</tr>", 1)[0]
    assert "Community reviewed" in polish and "Ola Nowak, Polish Community Centre" in polish
    assert "1 December 2026" in polish


# --- who may translate -------------------------------------------------------------------------------------

TRANSLATE_URLS = ["/staff/translate/", "/staff/translate/pl/", "/staff/translate/pl/download/"]


def test_nobody_signed_out_or_without_a_second_factor_reaches_the_translations(client):
    translator = _translator()
    for url in TRANSLATE_URLS:
        assert client.get(url)["Location"].startswith("/staff/login/")
    half = Client()
    half.force_login(translator.user)  # password only
    for url in TRANSLATE_URLS:
        assert half.get(url).status_code == 302
    assert half.post("/staff/translate/pl/", {"key": "x"}).status_code == 302


def test_a_translator_reaches_the_translations_and_a_disabled_one_does_not():
    from standtogether.partners.actions import set_membership_active

    translator = _translator()
    client = signed_in(translator)
    for url in TRANSLATE_URLS:
        assert client.get(url).status_code == 200, url
    assert client.get("/staff/translate/xx/").status_code == 404
    assert client.get("/staff/translate/en/").status_code == 404  # English is the source, not a translation
    download = client.get("/staff/translate/pl/download/")
    assert b'msgid "Exit this page"' in b"".join(download.streaming_content)
    set_membership_active(translator, False, by="system")
    assert client.get("/staff/translate/").status_code == 302  # every session of theirs has ended


# --- translating -------------------------------------------------------------------------------------------


def test_a_translator_changes_one_string_and_only_that_entry_changes(locale_copy):
    translator = _translator()
    client = signed_in(translator)
    po_path = locale_copy / "pl" / "LC_MESSAGES" / "django.po"
    before = po_path.read_text(encoding="utf-8")
    entry = _entry("pl", LANGUAGE_ENTRY)
    new_text = "Osoba zgłaszająca mówi po %(language)s, a Ty nie: zamów tłumacza."

    listing = client.get("/staff/translate/pl/", {"show": "all", "q": "book an interpreter"})
    assert listing.status_code == 200
    assert f'id="entry-{entry.key}"' in listing.content.decode()

    response = client.post(
        "/staff/translate/pl/?show=all&q=interpreter",
        {"key": entry.key, "version": entry.version, "msgstr_0": new_text + "\r\n"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/translate/pl/?show=all&q=interpreter#entry-{entry.key}"

    after = po_path.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    # Only that msgstr's lines changed (however the old text was wrapped over lines).
    removed = [line[1:] for line in changed if line.startswith("-")]
    added = [line[1:] for line in changed if line.startswith("+")]
    assert removed[0].startswith("msgstr ") and added == [f'msgstr "{new_text}"']
    assert "".join(part.removeprefix("msgstr ")[1:-1] for part in removed) == entry.msgstr[0]
    compiled = {item.msgid: item.msgstr for item in polib.mofile(str(po_path.with_suffix(".mo")))}
    assert compiled[LANGUAGE_ENTRY] == new_text
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)], capture_output=True)
    assert checked.returncode == 0, checked.stderr

    event = AuditEvent.objects.get(action="translation.saved")
    assert event.actor == f"user:{translator.user_id}" and event.agency == "equip"
    assert event.object_id == f"pl:{entry.key}"
    assert event.details["before"] == entry.msgstr and event.details["after"] == [new_text]
    assert audit.verify()[0]


def test_a_translation_that_loses_a_placeholder_is_refused_with_what_was_typed(locale_copy):
    client = signed_in(_translator())
    po_path = locale_copy / "pl" / "LC_MESSAGES" / "django.po"
    before = po_path.read_bytes()
    entry = _entry("pl", LANGUAGE_ENTRY)
    typed = "Osoba zgłaszająca mówi innym językiem: zamów tłumacza."
    response = client.post(
        "/staff/translate/pl/?show=all&q=interpreter",
        {"key": entry.key, "version": entry.version, "msgstr_0": typed},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep these exactly as they are, each one: %(language)s" in page
    assert typed in page and 'class="govuk-error-summary"' in page
    assert po_path.read_bytes() == before
    assert not AuditEvent.objects.filter(action="translation.saved").exists()


def test_a_translation_may_not_add_markup_the_english_does_not_have(locale_copy):
    client = signed_in(_translator())
    entry = _entry("pl", "Exit this page")
    response = client.post(
        "/staff/translate/pl/?show=all&q=Exit",
        {"key": entry.key, "version": entry.version, "msgstr_0": 'Wyjdź <a href="https://x.example">tu</a>'},
    )
    assert response.status_code == 400
    assert "Keep the same HTML tags as the English" in response.content.decode()


def test_a_stale_page_overwrites_nothing(locale_copy):
    client = signed_in(_translator())
    entry = _entry("pl", "Exit this page")
    first = client.post(
        "/staff/translate/pl/", {"key": entry.key, "version": entry.version, "msgstr_0": "Wyjdź teraz"}
    )
    assert first.status_code == 302
    second = client.post(
        "/staff/translate/pl/",
        {"key": entry.key, "version": entry.version, "msgstr_0": "Opuść stronę"},
        follow=True,
    )
    assert "Someone changed this translation after you opened the page" in second.content.decode()
    assert _entry("pl", "Exit this page").msgstr == ["Wyjdź teraz"]
    assert AuditEvent.objects.filter(action="translation.saved").count() == 1


def test_marked_for_checking_shows_first_and_checking_it_clears_the_mark(locale_copy):
    client = signed_in(_translator())
    entry = _entry("pl", "Exit this page")
    client.post(
        "/staff/translate/pl/",
        {"key": entry.key, "version": entry.version, "msgstr_0": "Wyjdź", "fuzzy": "yes"},
    )
    marked = _entry("pl", "Exit this page")
    assert marked.fuzzy and marked.state == "fuzzy"
    todo = client.get("/staff/translate/pl/").content.decode()
    assert f'id="entry-{entry.key}"' in todo and "1 marked for checking" in todo
    # A fuzzy translation is not served: the compiled catalogue leaves it out.
    mo = locale_copy / "pl" / "LC_MESSAGES" / "django.mo"
    assert "Exit this page" not in {item.msgid for item in polib.mofile(str(mo))}

    client.post("/staff/translate/pl/", {"key": entry.key, "version": marked.version, "msgstr_0": "Wyjdź"})
    assert _entry("pl", "Exit this page").state == "translated"
    assert f'id="entry-{entry.key}"' not in client.get("/staff/translate/pl/").content.decode()


def test_a_copy_the_server_cannot_write_can_be_read_but_not_changed(locale_copy, monkeypatch):
    """In production the code directory is usually read-only: translators read, search and download."""
    client = signed_in(_translator())
    entry = _entry("pl", "Exit this page")
    monkeypatch.setattr(catalogues, "writable", lambda code: False)
    page = client.get("/staff/translate/pl/", {"show": "all"}).content.decode()
    assert "cannot be changed on this server" in page and "readonly" in page
    response = client.post(
        "/staff/translate/pl/", {"key": entry.key, "version": entry.version, "msgstr_0": "Wyjdź"}
    )
    assert response.status_code == 400
    assert _entry("pl", "Exit this page").msgstr == entry.msgstr
    assert not AuditEvent.objects.filter(action="translation.saved").exists()


def test_plural_forms_and_long_wrapped_entries_are_written_in_place(locale_copy):
    client = signed_in(_translator())
    po_path = locale_copy / "pl" / "LC_MESSAGES" / "django.po"
    files = _entry("pl", "%(n)s file")
    assert len(files.msgstr) == 4  # Polish has four plural forms
    page = client.get("/staff/translate/pl/", {"show": "all", "q": "%(n)s file"}).content.decode()
    assert 'name="msgstr_3"' in page and "Polski, form 4" in page
    forms = ["%(n)s plik", "%(n)s pliki", "%(n)s plików", "%(n)s pliku (ułamek)"]
    response = client.post(
        "/staff/translate/pl/",
        {"key": files.key, "version": files.version, **{f"msgstr_{n}": text for n, text in enumerate(forms)}},
    )
    assert response.status_code == 302
    assert _entry("pl", "%(n)s file").msgstr == forms

    pdf = next(
        entry for entry in catalogues.read("pl") if entry.msgid.startswith("This PDF has %(pages)d page.")
    )
    shorter = ["Za dużo stron: %(pages)d. Najwięcej: %(limit)d."] + pdf.msgstr[1:]
    response = client.post(
        "/staff/translate/pl/",
        {"key": pdf.key, "version": pdf.version, **{f"msgstr_{n}": text for n, text in enumerate(shorter)}},
    )
    assert response.status_code == 302
    assert _entry("pl", pdf.msgid).msgstr == shorter
    text = po_path.read_text(encoding="utf-8")
    assert '"This PDF has %(pages)d page. The most we can take in one file is %(limit)d. "\n' in text
    assert 'msgstr[0] "Za dużo stron: %(pages)d. Najwięcej: %(limit)d."\n' in text
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)], capture_output=True)
    assert checked.returncode == 0, checked.stderr


def test_a_broken_status_file_is_reported_by_check_and_never_takes_a_page_down(client, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    broken = tmp_path / "languages.json"
    broken.write_text('{"pl": {"status": "nearly done"}}', encoding="utf-8")
    with override_settings(LANGUAGE_STATUS_FILE=broken):
        with pytest.raises(SystemCheckError, match="LANGUAGE_STATUS_FILE"):
            call_command("check")
        page = client.get("/pl/")
        assert page.status_code == 200 and 'id="machine-translation"' in page.content.decode()
    with override_settings(LANGUAGE_STATUS_FILE=tmp_path / "missing.json"):
        assert 'id="machine-translation"' in client.get("/ar/").content.decode()
        assert 'id="machine-translation"' not in client.get("/en/").content.decode()
