"""Render Django form fields as GOV.UK Frontend components.

Labels, hints and errors are linked with aria-describedby, so screen readers read them with the field.
"""

from __future__ import annotations

from django import forms, template

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    return "input"


@register.inclusion_tag("govuk/field.html")
def govuk_field(
    field: forms.BoundField, hints: dict | None = None, heading: bool = False, autocomplete: str = ""
):
    hints = (hints or {}).get(field.name, {})
    value = field.value()
    selected = (
        {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)} if value else set()
    )
    options = []
    if hasattr(field.field, "choices") and _kind(field) in {"radios", "checkboxes", "select"}:
        for index, (code, label) in enumerate(field.field.choices):
            options.append(
                {
                    "id": f"{field.auto_id}" if index == 0 else f"{field.auto_id}-{index}",
                    "value": code,
                    "label": label,
                    "hint": hints.get(code, ""),
                    "checked": str(code) in selected,
                }
            )
    describedby = " ".join(
        part
        for part in (
            f"{field.auto_id}-hint" if field.help_text else "",
            f"{field.auto_id}-error" if field.errors else "",
        )
        if part
    )
    return {
        "field": field,
        "kind": _kind(field),
        "options": options,
        "heading": heading,
        "describedby": describedby,
        "autocomplete": autocomplete,
        "maxlength": getattr(field.field, "max_length", None),
        "value": "" if value is None else value,
    }


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(form: forms.Form | None = None, extra: list | None = None):
    """Every error, each linked to its field, so a screen-reader user can jump straight to it."""
    items = []
    if form is not None:
        for error in form.non_field_errors():
            items.append({"href": "", "text": error})
        for bound in form:
            for error in bound.errors:
                target = bound.auto_id
                if isinstance(bound.field.widget, forms.MultiWidget):
                    target = f"{bound.auto_id}_0"
                items.append({"href": f"#{target}", "text": error})
    for href, text in extra or []:
        items.append({"href": href, "text": text})
    return {"items": items}
