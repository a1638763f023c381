"""Turning diary entries into a report, or adding them to one already made.

Only the entries the owner chooses leave the diary: their words become the answers of a new draft (sealed
under the key ring like every draft) and their files are sealed again under new keys of their own in the
evidence store. The diary keeps its copies; an entry learns the report's reference only once the report
is really sent (settle_pending).
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.exceptions import InvalidTag
from django.http import HttpRequest
from django.utils.translation import gettext as _

from standtogether.intake import journey
from standtogether.intake.models import Draft
from standtogether.intake.uploads import CheckedFile

from . import actions, sealing, timeline
from .opening import OpenDiary
from .timeline import EntryView

PENDING_KEY = "diary_pending_report"
DESCRIPTION_MAX = 10000
PERPETRATOR_MAX = 3000
PLACE_MAX = 300


def entry_as_text(view: EntryView) -> str:
    lines = [view.when]
    labelled = [
        (_("What happened"), view.what),
        (_("Where"), view.where),
        (_("Who did it"), view.who),
        (_("Who saw or heard it"), view.witnesses),
        (_("How it affected me"), view.effect),
    ]
    lines += [f"{label}: {text}" for label, text in labelled if text]
    if view.files:
        lines.append(_("Files: %(names)s") % {"names": ", ".join(f["label"] for f in view.files)})
    return "\n".join(lines)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def answers_from(views: list[EntryView]) -> dict:
    """Journey answers for the chosen entries: the story in the person's words, dated, marked as a
    repeated pattern when there is more than one."""
    views = sorted(views, key=lambda v: (v.date is None, v.date or dt.date.min))
    dated = sorted(v.date for v in views if v.date)
    when: dict = {}
    if len(views) > 1:
        when.update(date_kind="repeatedly", happened_before="yes")
    elif dated:
        when["date_kind"] = "about" if views[0].approximate else "exact"
    if dated:
        when["date_start"] = dated[0].isoformat()
        if len(views) > 1:
            when["date_end"] = dated[-1].isoformat()
    places = list(dict.fromkeys(v.where for v in views if v.where))
    if len(places) == 1:
        when["place"] = _cut(places[0], PLACE_MAX)
    if len(views) > 1:
        intro = _("From my diary. This happened %(count)d times:") % {"count": len(views)}
        description = intro + "\n\n" + "\n\n".join(entry_as_text(v) for v in views)
    else:
        description = entry_as_text(views[0])
    answers = {"what": {"description": _cut(description, DESCRIPTION_MAX)}, "when-where": when}
    who = list(dict.fromkeys(v.who for v in views if v.who))
    people: dict = {}
    if who:
        people["perpetrator"] = _cut("\n\n".join(who), PERPETRATOR_MAX)
    if any(v.witnesses for v in views):
        people["others_present"] = "yes"
    if people:
        answers["people"] = people
    return answers


def files_from(opened: OpenDiary, chosen: list[tuple]) -> list[CheckedFile]:
    """The chosen entries' files, already checked when they were added, ready for the evidence store."""
    checked = []
    for row, view in chosen:
        for meta in view.files:
            found = timeline.file_content(opened, row, meta["uuid"])
            if found is None:
                continue
            meta, content = found
            checked.append(
                CheckedFile(
                    content=content,
                    kind=meta["kind"],
                    content_type=meta["content_type"],
                    extension=meta["extension"],
                    label=meta["label"],
                )
            )
    return checked


def start_report(request: HttpRequest, opened: OpenDiary, chosen: list[tuple], limit: int) -> Draft:
    """A new report draft from the chosen entries (at most `limit` files go with it)."""
    views = [view for _row, view in chosen]
    files = files_from(opened, chosen)[:limit]
    draft = journey.start_prefilled_draft(request, answers_from(views), files)
    pending = {"draft": str(draft.uuid), "entries": [str(row.uuid) for row, _view in chosen]}
    # Sealed under the diary's own key: the session table never ties a diary's entries to a report.
    request.session[PENDING_KEY] = base64.b64encode(
        sealing.seal_entry(opened.dek, str(opened.diary.uuid), "pending-report", pending)
    ).decode()
    return draft


def settle_pending(request: HttpRequest, opened: OpenDiary) -> str:
    """Once the report made from diary entries is sent, mark those entries with its reference."""
    sealed = request.session.get(PENDING_KEY)
    if not sealed:
        return ""
    try:
        pending = sealing.open_entry(
            opened.dek, str(opened.diary.uuid), "pending-report", base64.b64decode(sealed)
        )
    except (InvalidTag, ValueError):  # made by another diary opened in this browser: not ours to settle
        return ""
    draft = Draft.system.filter(uuid=pending["draft"]).select_related("report").first()
    if draft is None:  # expired or purged without being sent
        request.session.pop(PENDING_KEY, None)
        return ""
    if not draft.report_id:
        return ""
    rows = list(opened.diary.entries.filter(uuid__in=pending["entries"]))
    if rows:
        actions.record_reported(opened, rows, draft.report.reference)
    request.session.pop(PENDING_KEY, None)
    return draft.report.reference
