"""Agencies of the partnership. Configuration: loaded from a data file, edited in the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police")
    CPS = "cps", _("Crown Prosecution Service")
    VICTIM_SUPPORT = "victim-support", _("Victim support service")
    COUNCIL = "council", _("Council")
    SCHOOL = "school", _("School or college")
    HOUSING = "housing", _("Housing provider")
    COMMUNITY = "community", _("Community organisation or reporting centre")
    PARTNERSHIP = "partnership", _("Partnership")


class Agency(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    area = models.ForeignKey("taxonomy.Area", null=True, blank=True, on_delete=models.SET_NULL)
    public_description = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    is_support_service = models.BooleanField(default=False, help_text="listed on the public support page")
    receives_new_reports = models.BooleanField(default=False, help_text="owns the triage queue")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name
