"""Changes to the site's translations: one action, audited like every other change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from standtogether.cases import policy
from standtogether.core import audit
from standtogether.partners.models import Membership

from . import catalogues
from .catalogues import CatalogueError, Conflict  # noqa: F401 - raised to callers of this module


class Refused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@transaction.atomic
def save_translation(
    code: str, key: str, texts: list[str], *, fuzzy: bool, version: str, by: Membership
) -> catalogues.Entry:
    """Write one entry's translation into the language's catalogue and compile it.

    The audit event is written first, in this transaction: if the file cannot be written (conflict,
    compiler refusal, permissions) the exception rolls the event back, so the trail holds exactly the
    saves that happened. It keeps the text before and after, so any change can be traced and undone.
    """
    if not policy.can_translate(by):
        raise PermissionDenied("translate")
    if not catalogues.is_language(code):
        raise Refused(["unknown language"])
    entry = catalogues.find(code, key)
    if entry is None:
        raise Conflict(key)
    texts = catalogues.tidy(entry, texts)
    reasons = catalogues.problems(entry, texts)
    if reasons:
        raise Refused(reasons)
    audit.record(
        f"user:{by.user_id}",
        "translation.saved",
        object_type="translation",
        object_id=f"{code}:{key}",
        agency=by.agency.code,
        changed=["msgstr"] + (["fuzzy"] if fuzzy != entry.fuzzy else []),
        language=code,
        msgid=entry.msgid[:300],
        before=entry.msgstr,
        after=texts,
        fuzzy=fuzzy,
    )
    catalogues.write(code, key, texts, fuzzy=fuzzy, version=version)
    entry.msgstr, entry.fuzzy = texts, fuzzy
    return entry
