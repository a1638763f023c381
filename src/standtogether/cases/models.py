"""A case: what the partnership handles. Every submitted report creates or joins one.

No default `objects` manager: the staff side (handling issue) reads through a visibility-filtered manager;
`Case.system` is for the actions layer and the reporter-safe tracking projection only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in-review", _("Being looked at")
    ASSIGNED = "assigned", _("Assigned to an officer")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    owner_agency = models.ForeignKey("partners.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Triage flags, computed from the reports at intake (kept in clear: no one is identified by them).
    flag_children = models.BooleanField(default=False)
    flag_threats_violence = models.BooleanField(default=False)
    flag_repeat = models.BooleanField(default=False)
    flag_evidence = models.BooleanField(default=False)
    flag_interpreter = models.BooleanField(default=False)
    flag_anonymous = models.BooleanField(default=False)
    flag_quarantined = models.BooleanField(default=False, help_text="looked like spam: held, never deleted")

    system = models.Manager()

    class Meta:
        ordering = ["-opened_at"]
        base_manager_name = "system"
        default_manager_name = "system"

    def __str__(self) -> str:
        return self.reference
