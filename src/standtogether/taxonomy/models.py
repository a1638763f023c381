"""The partnership's vocabulary: configuration, never code. Loaded from a data file, edited in the admin.

Each term has a stable `code` (used in statistics and imports), an English name and hint, and
translations per language code, so another partnership deploys with its own list and wording.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language


class Term(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    hint = models.CharField(max_length=300, blank=True)
    translations = models.JSONField(
        default=dict, blank=True, help_text='{"ar": {"name": "…", "hint": "…"}, …}'
    )
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def _translated(self, attribute: str) -> str:
        language = (get_language() or "en").split("-")[0]
        localised = (self.translations or {}).get(language, {})
        return localised.get(attribute) or getattr(self, attribute)

    @property
    def label(self) -> str:
        return self._translated("name")

    @property
    def label_hint(self) -> str:
        return self._translated("hint")


class Strand(Term):
    """A monitored strand (all equal): race, religion or belief, disability, sexual orientation,
    transgender identity."""


class Marker(Term):
    """A local marker recorded beside the strands, e.g. misogyny (hostility based on sex)."""


class IncidentType(Term):
    pass


class Setting(Term):
    """Where it happened (a kind of place)."""

    is_online = models.BooleanField(default=False, help_text="asks which website or app")


class Area(Term):
    """A district of the partnership."""

    ons_code = models.CharField(max_length=12, blank=True)
