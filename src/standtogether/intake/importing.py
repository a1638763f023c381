"""Importing a partner's existing records from CSV (docs/import.md): the template, the partner's category
map, and the dry run. Writing happens in `intake.actions.import_records`, one report at a time through
`submit_report`, so an imported record becomes a report and a case like any other.

`check()` reads every row and says what is wrong with each, by line number, without writing anything. It
never raises on bad input: every row is either accepted or gets at least one message (tests/test_import.py
fuzzes it).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from standtogether.core import crypto
from standtogether.taxonomy.models import Area, IncidentType, Marker, Setting, Strand

from .models import ImportedRecord

LIST_SEPARATOR = ";"
MAX_LENGTH = {
    "partner_record_id": 100,
    "description": 10000,
    "place": 500,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 40,
    "partner_status": 2000,
}
CONSENT_CODES = ("police", "victim-support", "school-landlord", "council")
NO_CONSENT = ("none", "partnership-only")
CONTACT_CHANNELS = ("email", "phone", "sms")
ROLES = {
    "victim": "targeted",
    "targeted": "targeted",
    "witness": "witness",
    "third-party": "on-behalf",
    "on-behalf": "on-behalf",
    "organisation": "organisation",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
# A cell a spreadsheet would run as a formula (=HYPERLINK(…), @SUM(…), +cmd|…, -2+3): OWASP "CSV
# injection". A phone number (+44 …) or a negative number is not one.
FORMULA = re.compile(r"^[=@\t\r]|^[+-]\s*[^\d\s.]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
PHONE = re.compile(r"\+?[0-9]{7,15}")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False


COLUMNS = [
    Column("partner_record_id", required=True),
    Column("date"),
    Column("date_to"),
    Column("date_approximate"),
    Column("description", required=True),
    Column("area"),
    Column("setting"),
    Column("place"),
    Column("strands"),
    Column("incident_types"),
    Column("reporter_role"),
    Column("anonymous"),
    Column("contact_name"),
    Column("contact_email"),
    Column("contact_phone"),
    Column("contact_by"),
    Column("consent"),
    Column("partner_status"),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
REQUIRED = [c.name for c in COLUMNS if c.required]

TEMPLATE_ROWS = [
    {
        "partner_record_id": "HC-2024-0113",
        "date": "14/03/2024",
        "description": "Two men shouted racist abuse at a shop worker and threw a bottle at the window.",
        "area": "Rugby",
        "setting": "shop",
        "place": "High Street",
        "strands": "race",
        "incident_types": "verbal-abuse; damage",
        "reporter_role": "victim",
        "anonymous": "no",
        "contact_name": "A. Example",
        "contact_email": "a.example@example.org",
        "contact_by": "email",
        "consent": "police; victim-support",
        "partner_status": "Referred to the police",
    },
    {
        "partner_record_id": "HC-2024-0158",
        "date": "2024-04",
        "date_to": "2024-06-30",
        "date_approximate": "yes",
        "description": "Stickers against refugees put up again and again near the hotel.",
        "area": "warwick",
        "setting": "hotel",
        "strands": "race; religion",
        "incident_types": "damage",
        "reporter_role": "witness",
        "anonymous": "yes",
        "consent": "none",
        "partner_status": "Stickers removed",
    },
]


def template_csv() -> str:
    """The downloadable template: the column names and two example rows (UTF-8, with a BOM for Excel)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    for row in TEMPLATE_ROWS:
        writer.writerow({name: row.get(name, "") for name in COLUMN_NAMES})
    return "\ufeff" + out.getvalue()


@dataclass
class Problem:
    line: int | None  # None: about the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("line %(line)d: %(problem)s") % {"line": self.line, "problem": self.message}


@dataclass
class Row:
    line: int
    record_id: str = ""
    answers: dict = field(default_factory=dict)
    partner_status: str = ""
    problems: list[Problem] = field(default_factory=list)
    status: str = ""  # new, same (imported before, unchanged), changed, problem
    reference: str = ""  # the report an earlier import made of it
    record_index: str = ""
    fingerprint: str = ""

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))


@dataclass
class Check:
    sha256: str = ""
    text: str = ""
    file_problems: list[Problem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def _with(self, status: str) -> list[Row]:
        return [row for row in self.rows if row.status == status]

    @property
    def new(self) -> list[Row]:
        return self._with("new")

    @property
    def same(self) -> list[Row]:
        return self._with("same")

    @property
    def changed(self) -> list[Row]:
        return self._with("changed")

    @property
    def bad(self) -> list[Row]:
        return self._with("problem")

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for row in self.bad for p in row.problems)]

    @property
    def readable(self) -> bool:
        """Rows could be read at all (the file's own problems are not about its encoding or columns)."""
        return bool(self.rows) or not self.file_problems

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new": len(self.new),
            "same": len(self.same),
            "changed": len(self.changed),
            "problems": len(self.bad),
        }


# --- reading the file ----------------------------------------------------------------------------------


def max_bytes() -> int:
    """The limit of an upload: never more than Django keeps in memory (a bigger upload would be written to
    a temporary file in the clear, so staff/imports.py reads uploads only in memory)."""
    return min(settings.IMPORT_MAX_BYTES, settings.FILE_UPLOAD_MAX_MEMORY_SIZE)


def decode(raw: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 with or without a byte order mark, or UTF-16 with one (Excel's "Unicode text")."""
    if raw.startswith(XLSX_MAGIC) or raw.startswith(OLE_MAGIC):
        return "", [
            Problem(
                None,
                "",
                _(
                    "This is an Excel workbook, not a CSV file. In Excel, choose File, Save as, "
                    "and the type 'CSV UTF-8 (comma delimited)', then upload that file."
                ),
            )
        ]
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            return "", [Problem(None, "", _("The file says it is UTF-16 text but it is not."))]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return "", [
            Problem(
                line,
                "",
                _(
                    "this line has characters that are not UTF-8 text. Save the file again as "
                    "'CSV UTF-8 (comma delimited)' (Excel) or with the encoding UTF-8 and upload it again."
                ),
            )
        ]


def _header_key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return "\t" if "\t" in first and "," not in first else ","


# --- the partner's categories ----------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


class Vocabulary:
    """Our terms by code and English name (any case), and the partner's own names from their map file
    (intake/data/import_maps/<agency code>.json, or IMPORT_MAPS_DIR)."""

    KINDS = {
        "strands": (Strand, Marker),
        "incident_types": (IncidentType,),
        "setting": (Setting,),
        "area": (Area,),
    }
    MAP_SECTIONS = {"strands": "strands", "incident_types": "incident_types", "settings": "setting"}
    MAP_SECTIONS |= {"areas": "area"}

    def __init__(self, agency_code: str) -> None:
        self.agency_code = agency_code
        self.problems: list[Problem] = []
        self.ours: dict[str, dict[str, tuple[str, str]]] = {}
        self.names: dict[str, list[str]] = {}
        for column, models in self.KINDS.items():
            table: dict[str, tuple[str, str]] = {}
            shown = []
            for model in models:
                for term in model.objects.filter(active=True):
                    kind = model._meta.model_name
                    table[_key(term.code)] = (kind, term.code)
                    table.setdefault(_key(term.name), (kind, term.code))
                    shown.append(term.code)
            self.ours[column] = table
            self.names[column] = shown
        self.mapped: dict[str, dict[str, list[tuple[str, str]]]] = {column: {} for column in self.KINDS}
        self.map_path = Path(settings.IMPORT_MAPS_DIR) / f"{agency_code}.json"
        self._load_map()

    def _load_map(self) -> None:
        if not self.map_path.exists():
            return
        name = self.map_path.name
        try:
            data = json.loads(self.map_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            self.problems.append(
                Problem(
                    None,
                    "",
                    _("The category map %(file)s cannot be read: %(error)s") % {"file": name, "error": error},
                )
            )
            return
        if not isinstance(data, dict):
            data = {}
        if not any(section in data for section in self.MAP_SECTIONS):
            data = {"strands": data}  # a flat map: the partner's strand names
        for section, column in self.MAP_SECTIONS.items():
            entries = data.get(section) or {}
            if not isinstance(entries, dict):
                continue
            for theirs, ours in entries.items():
                codes = ours if isinstance(ours, list) else [ours]
                found = []
                for code in codes:
                    term = self.ours[column].get(_key(str(code)))
                    if term is None or _key(str(code)) != _key(term[1]):
                        self.problems.append(
                            Problem(
                                None,
                                "",
                                _(
                                    "The category map %(file)s says '%(theirs)s' is '%(ours)s', which is "
                                    "not one of our codes. Use one of: %(codes)s."
                                )
                                % {
                                    "file": name,
                                    "theirs": theirs,
                                    "ours": code,
                                    "codes": ", ".join(self.names[column]),
                                },
                            )
                        )
                    else:
                        found.append(term)
                if found:
                    self.mapped[column][_key(str(theirs))] = found

    def lookup(self, column: str, value: str) -> list[tuple[str, str]] | None:
        key = _key(value)
        if key in self.mapped[column]:
            return self.mapped[column][key]
        term = self.ours[column].get(key)
        return [term] if term else None


# --- one row ---------------------------------------------------------------------------------------------

_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{4})")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")


def parse_date(text: str, column: str = "date") -> tuple[dt.date | None, bool, str]:
    """(date, month only?, problem). Day first (27/03/2024) or ISO (2024-03-27); a month (2024-03 or
    03/2024) counts as "around" its first day. A time Excel adds (00:00) is ignored."""
    value = _TIME.sub("", text.strip())
    month_only = False
    if match := _ISO.fullmatch(value):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = match.groups()
        if len(year) != 4:
            return (
                None,
                False,
                _("%(column)s %(date)s: write the year with four digits, for example 27/03/2024.")
                % {"column": column, "date": text},
            )
    elif match := _MONTH_ISO.fullmatch(value):
        (year, month), day, month_only = match.groups(), "1", True
    elif match := _MONTH_DAY_FIRST.fullmatch(value):
        (month, year), day, month_only = match.groups(), "1", True
    else:
        return (
            None,
            False,
            _("%(column)s %(date)s is not a date we can read: write it as 27/03/2024 or 2024-03-27.")
            % {"column": column, "date": text},
        )
    try:
        value_date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None, False, _("%(column)s %(date)s is not a real date.") % {"column": column, "date": text}
    if value_date > timezone.localdate():
        return None, False, _("%(column)s %(date)s is in the future.") % {"column": column, "date": text}
    if value_date.year < 1900:
        return None, False, _("%(column)s %(date)s is before 1900.") % {"column": column, "date": text}
    return value_date, month_only, ""


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def _yes_no(row: Row, column: str, value: str) -> bool | None:
    lowered = value.strip().lower()
    if not lowered:
        return None
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    row.problem(
        column, _("%(column)s must be yes or no, not '%(value)s'.") % {"column": column, "value": value}
    )
    return None


def _unmapped(row: Row, vocabulary: Vocabulary, column: str, item: str) -> None:
    if "," in item:  # probably several values with the wrong separator
        message = _(
            "%(column)s '%(value)s' is not mapped: separate several values with a semicolon (;), "
            "add it to the map file %(file)s, or use one of: %(codes)s."
        )
    else:
        message = _(
            "%(column)s '%(value)s' is not mapped: add it to the map file %(file)s or use one of: %(codes)s."
        )
    row.problem(
        column,
        message
        % {
            "column": column,
            "value": item,
            "file": vocabulary.map_path.name,
            "codes": ", ".join(vocabulary.names[column]),
        },
    )


def _terms(row: Row, vocabulary: Vocabulary, column: str, value: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for item in _items(value):
        terms = vocabulary.lookup(column, item)
        if terms is None:
            _unmapped(row, vocabulary, column, item)
        else:
            found.extend(t for t in terms if t not in found)
    return found


def _one_term(row: Row, vocabulary: Vocabulary, column: str, value: str) -> str:
    if not value.strip():
        return ""
    terms = vocabulary.lookup(column, value)
    if terms is None:
        _unmapped(row, vocabulary, column, value.strip())
        return ""
    if len(terms) > 1:
        row.problem(
            column,
            _("%(column)s '%(value)s' maps to more than one of ours: give one.")
            % {"column": column, "value": value.strip()},
        )
        return ""
    return terms[0][1]


def _text(row: Row, column: str, raw: str) -> str:
    if FORMULA.match(raw):
        row.problem(
            column,
            _(
                "%(column)s starts with '%(sign)s', so a spreadsheet would run it as a formula "
                "(like =HYPERLINK). Remove the sign at the start of the cell."
            )
            % {"column": column, "sign": raw.lstrip(" ")[:1].replace("\t", "tab").replace("\r", "return")},
        )
        return ""
    value = raw.replace("\r\n", "\n").strip()
    if CONTROL.search(value):
        row.problem(column, _("%(column)s has hidden control characters: remove them.") % {"column": column})
        return ""
    limit = MAX_LENGTH.get(column)
    if limit and len(value) > limit:
        row.problem(
            column,
            _("%(column)s is too long: %(length)d characters, at most %(limit)d.")
            % {"column": column, "length": len(value), "limit": limit},
        )
        return ""
    return value


def _parse_row(line: int, cells: dict[str, str], vocabulary: Vocabulary) -> Row:
    row = Row(line=line)
    text = {name: _text(row, name, cells.get(name) or "") for name in COLUMN_NAMES}

    row.record_id = text["partner_record_id"]
    if not row.record_id and not any(p.column == "partner_record_id" for p in row.problems):
        row.problem(
            "partner_record_id", _("partner_record_id is empty: every row needs the partner's own id.")
        )
    description = text["description"]
    if not description and not any(p.column == "description" for p in row.problems):
        row.problem("description", _("description is empty: say what happened."))

    # When
    start = end = None
    month_only = False
    if text["date"]:
        start, month_only, problem = parse_date(text["date"])
        if problem:
            row.problem("date", problem)
    if text["date_to"]:
        end, _month, problem = parse_date(text["date_to"], "date_to")
        if problem:
            row.problem("date_to", problem)
        elif not text["date"]:
            row.problem("date_to", _("date_to is given but date is empty: give the first date in date."))
        elif start and end < start:
            row.problem(
                "date_to",
                _("date_to %(end)s is before date %(start)s.")
                % {"end": text["date_to"], "start": text["date"]},
            )
    approximate = _yes_no(row, "date_approximate", text["date_approximate"])
    if start is None:
        date_kind = "unknown" if not text["date"] else ""
    elif end is not None and end != start:
        date_kind = "period"
    elif approximate or month_only:
        date_kind = "about"
    else:
        date_kind = "exact"

    # Where, why, what
    area = _one_term(row, vocabulary, "area", text["area"])
    setting = _one_term(row, vocabulary, "setting", text["setting"])
    why = _terms(row, vocabulary, "strands", text["strands"])
    types = _terms(row, vocabulary, "incident_types", text["incident_types"])

    # Who
    role = ""
    if text["reporter_role"]:
        role = ROLES.get(re.sub(r"[\s_]+", "-", text["reporter_role"].lower()), "")
        if not role:
            row.problem(
                "reporter_role",
                _("reporter_role '%(value)s' is not one we know: use victim, witness or third party.")
                % {"value": text["reporter_role"]},
            )

    # Contact
    name, email, phone = text["contact_name"], text["contact_email"], text["contact_phone"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.problem(
                "contact_email", _("contact_email '%(value)s' is not an email address.") % {"value": email}
            )
    if phone and not PHONE.fullmatch(re.sub(r"[\s().-]", "", phone)):
        row.problem(
            "contact_phone",
            _("contact_phone '%(value)s' is not a phone number: use numbers only, like 07700 900123.")
            % {"value": phone},
        )
    anonymous = _yes_no(row, "anonymous", text["anonymous"])
    has_contact = bool(name or email or phone)
    if anonymous is None:
        anonymous = not has_contact
    elif anonymous and has_contact:
        row.problem(
            "anonymous",
            _(
                "anonymous is yes but the row has contact details: "
                "say no, or leave the contact columns empty."
            ),
        )
    elif not anonymous and not has_contact:
        row.problem("anonymous", _("anonymous is no but there is no contact name, email or phone."))
    channels = []
    for item in _items(text["contact_by"]):
        code = item.lower()
        if code not in CONTACT_CHANNELS:
            row.problem(
                "contact_by",
                _("contact_by '%(value)s' is not one we know: use email, phone or sms.") % {"value": item},
            )
        elif code == "email" and not email or code in ("phone", "sms") and not phone:
            row.problem(
                "contact_by",
                _("contact_by says %(channel)s but there is no %(detail)s.")
                % {"channel": code, "detail": "contact_email" if code == "email" else "contact_phone"},
            )
        elif code not in channels:
            channels.append(code)
    if not text["contact_by"]:
        channels = [c for c, detail in (("email", email), ("phone", phone)) if detail]

    # Consent
    share: list[str] = []
    refused = False
    for item in _items(text["consent"]):
        code = re.sub(r"\s+", "-", item.lower())
        if code in NO_CONSENT:
            refused = True
        elif code in CONSENT_CODES:
            share.append(code)
        else:
            row.problem(
                "consent",
                _("consent '%(value)s' is not a code we know: use %(codes)s, or none.")
                % {"value": item, "codes": ", ".join(CONSENT_CODES)},
            )
    if refused and share:
        row.problem("consent", _("consent says none and also names who may see it: give one or the other."))

    row.partner_status = text["partner_status"]
    row.answers = {
        "who": {"reporter_role": role},
        "what": {"description": description, "incident_types": [code for _kind, code in types]},
        "why": {
            "strands": [code for kind, code in why if kind == "strand"],
            "markers": [code for kind, code in why if kind == "marker"],
            "not_sure": False,
            "other_reason": "",
        },
        "when-where": {
            "date_kind": date_kind,
            "date_start": start.isoformat() if start else None,
            "date_end": end.isoformat() if end and end != start else None,
            "setting": setting,
            "area": area,
            "place": text["place"],
            "online_platform": "",
            "happened_before": "",
        },
        "people": {"perpetrator": "", "others_present": "", "children_involved": ""},
        "contact": {"anonymous": "yes"}
        if anonymous
        else {
            "anonymous": "no",
            "name": name,
            "email": email,
            "phone": phone,
            "address": "",
            "channels": channels,
            "safe_times": "",
            "safety": [],
        },
        "needs": {},
        "consent": {"share": sorted(set(share)), "partnership_only": not share},
    }
    row.status = "problem" if row.problems else "new"
    return row


# --- the whole file --------------------------------------------------------------------------------------


def record_index(record_id: str) -> str:
    return crypto.blind_index(record_id, context="import-record")


def fingerprint(row: Row) -> str:
    canonical = json.dumps([row.answers, row.partner_status], sort_keys=True, ensure_ascii=False)
    return crypto.blind_index(canonical, context="import-row")


def check(raw: bytes, agency, *, limit: int | None = None) -> Check:
    """The dry run: every row checked, compared with what this agency imported before. Writes nothing."""
    result = Check(sha256=hashlib.sha256(raw).hexdigest())
    limit = limit or max_bytes()
    if len(raw) > limit:
        result.file_problems.append(
            Problem(
                None,
                "",
                _("The file is too big: %(size)d KB, at most %(limit)d KB. Split it into smaller files.")
                % {"size": len(raw) // 1024, "limit": limit // 1024},
            )
        )
        return result
    if not raw.strip():
        result.file_problems.append(Problem(None, "", _("The file is empty.")))
        return result
    text, problems = decode(raw)
    if problems:
        result.file_problems.extend(problems)
        return result
    result.text = text
    vocabulary = Vocabulary(agency.code)
    result.file_problems.extend(vocabulary.problems)
    _read_rows(result, text, vocabulary)
    _compare(result, agency)
    return result


def _read_rows(result: Check, text: str, vocabulary: Vocabulary) -> None:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        result.file_problems.append(
            Problem(line, "", _("this line has a NUL character: the file is not plain CSV text."))
        )
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    line = 1  # where the record being read starts (a quoted cell may span lines)
    try:
        header = next(reader, [])
        columns = [_header_key(name) for name in header]
        missing = [name for name in REQUIRED if name not in columns]
        for name in missing:
            result.file_problems.append(
                Problem(
                    1,
                    name,
                    _(
                        "the file has no column %(column)s. The first line must name the columns, "
                        "as in the template: %(columns)s."
                    )
                    % {"column": name, "columns": ", ".join(COLUMN_NAMES)},
                )
            )
        seen_columns: set[str] = set()
        for name in columns:
            if name and name not in COLUMN_NAMES:
                result.file_problems.append(
                    Problem(
                        1,
                        name,
                        _(
                            "column '%(column)s' is not one we know, and its data would be lost. "
                            "Rename it to one of the template's columns or remove it: %(columns)s."
                        )
                        % {"column": name, "columns": ", ".join(COLUMN_NAMES)},
                    )
                )
            elif name in seen_columns:
                result.file_problems.append(
                    Problem(1, name, _("column %(column)s is there twice.") % {"column": name})
                )
            seen_columns.add(name)
        if missing:
            return
        first_seen: dict[str, int] = {}
        line = reader.line_num + 1
        for cells in reader:
            if len(result.rows) >= settings.IMPORT_MAX_ROWS:
                result.file_problems.append(
                    Problem(
                        None,
                        "",
                        _("The file has more than %(limit)d rows. Split it into smaller files.")
                        % {"limit": settings.IMPORT_MAX_ROWS},
                    )
                )
                return
            if not any(cell.strip() for cell in cells):
                line = reader.line_num + 1
                continue
            if len(cells) > len(columns):
                row = Row(line=line, status="problem")
                row.problem(
                    "",
                    _(
                        "this row has %(cells)d cells but the first line names %(columns)d columns. "
                        "A comma inside a cell needs the cell in double quotes."
                    )
                    % {"cells": len(cells), "columns": len(columns)},
                )
            else:
                row = _parse_row(line, dict(zip(columns, cells, strict=False)), vocabulary)
                key = _key(row.record_id)
                if key and key in first_seen:
                    row.problem(
                        "partner_record_id",
                        _("partner_record_id %(id)s is also on line %(other)d: each record once.")
                        % {"id": row.record_id, "other": first_seen[key]},
                    )
                    row.status = "problem"
                elif key:
                    first_seen[key] = line
            result.rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        result.file_problems.append(
            Problem(
                line,
                "",
                _(
                    "the quotes on this line do not match (%(error)s). A cell that starts with a double "
                    "quote must end with one, and a double quote inside a cell is written twice."
                )
                % {"error": error},
            )
        )


def _compare(result: Check, agency) -> None:
    """Which rows this agency imported before, and whether they changed since."""
    rows = [row for row in result.rows if row.status == "new"]
    for row in rows:
        row.record_index = record_index(row.record_id)
        row.fingerprint = fingerprint(row)
    known = {
        record.record_index: record
        for record in ImportedRecord.system.filter(
            agency=agency, record_index__in=[row.record_index for row in rows]
        ).select_related("report")
    }
    for row in rows:
        record = known.get(row.record_index)
        if record is None:
            continue
        row.reference = record.report.reference
        row.status = "same" if record.fingerprint == row.fingerprint else "changed"
