""" "Check your answers": every answer in plain words, each with a link back to change it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from . import journey
from .models import Draft


def _display(field: forms.Field, value) -> str:
    if value in (None, "", [], False):
        return ""
    if isinstance(field, forms.BooleanField):
        return _("Yes")
    choices = dict(field.choices) if hasattr(field, "choices") else {}
    if isinstance(value, list):
        return "\n".join(str(choices.get(item, item)) for item in value)
    if choices:
        return str(choices.get(value, value))
    if isinstance(field, forms.MultiValueField) and isinstance(value, str):
        return formats.date_format(dt.date.fromisoformat(value), "j E Y")
    return str(value)


def summary_sections(draft: Draft, *, easy: bool = False) -> list[dict]:
    sections = []
    for step in journey.STEPS:
        form = step.form(easy=easy)  # Easy Read labels for the same answers
        answers = journey.answers_for(draft, step.slug)
        change_url = reverse("intake:step", args=[step.slug]) + "?return=check"
        rows = []
        if step.slug == "evidence":
            files = [item.label for item in draft.evidence.all()]
            rows.append({"key": _("Files"), "value": "\n".join(files), "field": "files"})
        else:
            for name, field in form.fields.items():
                if name == "website":
                    continue
                rows.append({"key": field.label, "value": _display(field, answers.get(name)), "field": name})
        if step.slug == "contact" and answers.get("anonymous") == "yes":
            rows = [rows[0]]
        sections.append({"title": step.title, "slug": step.slug, "rows": rows, "change_url": change_url})
    return sections
