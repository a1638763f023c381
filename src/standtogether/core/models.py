"""The audit trail: an append-only, hash-chained record of every state change and sensitive read."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    # Written only through core.audit.record(), inside the action's transaction.
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, help_text="user id, 'public' or 'system'")
    agency = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, db_index=True)
    changed = models.JSONField(default=list, help_text="field names only, never values")
    details = models.JSONField(default=dict, help_text="ids and codes of the change, never sensitive text")
    reason = models.TextField(blank=True, help_text="why a sensitive record was read (DPA 2018 s.62)")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """One row: the newest hash. Writers lock it, so the chain stays a single line under concurrency."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    hash = models.CharField(max_length=64, default="0" * 64)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head ({self.count} events)"


class InstallState(models.Model):
    """One row recording one-off setup steps, so `make run` never loads demo data twice."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    demo_loaded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "install state"
