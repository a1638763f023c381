"""Telling the reporter there is news: in their language, only through channels their preferences allow.

Messages say little on purpose (a phone or inbox may be seen by others): "there is an update on your
report", with the tracking page address. What the update says is on the tracking page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from . import rules
from .models import Message, MessageStatus
from .sms import backend as sms_backend

AUTOMATIC_CHANNELS = ("email", "sms")


def _render(template: str, language: str, context: dict) -> str:
    with translation.override(language):
        return render_to_string(template, context).strip()


def queue_update(case) -> list[Message]:
    """Create one message per allowed automatic channel, per non-anonymous report; send after commit."""
    created = []
    for report in case.reports.all():
        if report.anonymous:
            continue
        language = report.preferred_language or report.language or settings.LANGUAGE_CODE
        contact = report.contact or {}
        for channel in AUTOMATIC_CHANNELS:
            if channel not in (contact.get("channels") or []):
                continue
            verdict = rules.verdict(case, channel)
            recipient = contact.get("email") if channel == "email" else contact.get("phone")
            context = {
                "reference": case.reference,
                "track_url": f"{settings.PUBLIC_BASE_URL}/{language}/track/",
            }
            message = Message(
                case=case,
                channel=channel,
                language=language,
                recipient=recipient or "",
                body=_render(f"notify/update_{channel}.txt", language, context),
                created_at=timezone.now(),
            )
            if not verdict.allowed or not recipient:
                message.status = MessageStatus.BLOCKED
                message.reason = "; ".join(str(r) for r in verdict.reasons)[:300] or "no address"
            message.save()
            created.append(message)
            if message.status == MessageStatus.QUEUED:
                transaction.on_commit(lambda pk=message.pk: send_message.enqueue(pk))
    return created


@task()
def send_message(message_id: int) -> str:
    message = Message.system.get(pk=message_id)
    if message.status != MessageStatus.QUEUED:
        return message.status
    try:
        if message.channel == "email":
            with translation.override(message.language):
                subject = render_to_string("notify/update_subject.txt", {"reference": message.case.reference})
            EmailMessage(subject.strip(), message.body, to=[message.recipient]).send()
        else:
            sms_backend().send(message.recipient, message.body)
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, then retried by staff
        message.status = MessageStatus.FAILED
        message.reason = type(exc).__name__
    else:
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
    message.save(update_fields=["status", "reason", "sent_at"])
    return message.status
