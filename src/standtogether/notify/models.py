"""Every message the system sends or refuses to send to a reporter, with why."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from standtogether.core.fields import EncryptedTextField


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to send")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not send")
    BLOCKED = "blocked", _("Not sent: contact safety")


class Message(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=10)
    language = models.CharField(max_length=10)
    recipient = EncryptedTextField()
    body = EncryptedTextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    system = models.Manager()

    class Meta:
        ordering = ["-created_at"]
        default_manager_name = "system"

    def __str__(self) -> str:
        return f"{self.case} {self.channel} {self.status}"
