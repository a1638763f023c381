"""Writing and verifying the audit trail.

hash = SHA-256(previous hash || canonical JSON of the event). Writers serialise on the ChainHead row
(SELECT ... FOR UPDATE on PostgreSQL; SQLite write transactions are already serial).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, ChainHead


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "agency": event.agency,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changed": list(event.changed),
        "details": event.details,
        "reason": event.reason,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _digest(previous: str, event: AuditEvent) -> str:
    return hashlib.sha256(previous.encode() + _canonical(event)).hexdigest()


def record(
    actor: str,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    agency: str = "",
    changed: Iterable[str] = (),
    reason: str = "",
    **details: Any,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", None) or obj.pk)
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        at=timezone.now().replace(microsecond=0),
        actor=str(actor),
        agency=agency,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changed=sorted(changed),
        details={k: v for k, v in details.items()},
        reason=reason,
        previous_hash=head.hash,
    )
    event.hash = _digest(head.hash, event)
    event.save()
    head.hash = event.hash
    head.count += 1
    head.save(update_fields=["hash", "count"])
    return event


def verify() -> tuple[bool, str]:
    """Walk the chain; returns (ok, message naming the first broken link)."""
    previous = "0" * 64
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.previous_hash != previous or _digest(previous, event) != event.hash:
            return False, f"broken at event {event.pk} ({event.action})"
        previous = event.hash
        count += 1
    head = ChainHead.objects.filter(id=1).first()
    if head and (head.hash != previous or head.count != count):
        return False, "the chain head does not match the last event (events removed?)"
    return True, f"{count} events, head {previous}"
