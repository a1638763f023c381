"""Key rotation: optionally add a new current key, then re-encrypt every encrypted field in batches.

Resumable: rows already under the current key are skipped, so an interrupted run can simply be repeated.
"""

import base64
import json
import os
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from standtogether.core import crypto, keys
from standtogether.core.fields import encrypted_fields


class Command(BaseCommand):
    help = "Add a new current key for a purpose (--new-key data) and re-encrypt everything under it."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", choices=["data", "index", "rate", "pepper"])
        parser.add_argument("--batch", type=int, default=200)

    def handle(self, *args, **options):
        if options["new_key"]:
            if os.environ.get("STANDTOGETHER_KEYS"):
                raise CommandError(
                    "Keys come from the environment: add the key in your secret store instead."
                )
            path = Path(settings.KEYS_FILE)
            document = json.loads(path.read_text())
            key_id = secrets.token_hex(3)
            document["keys"][key_id] = base64.b64encode(secrets.token_bytes(32)).decode()
            document["current"][options["new_key"]] = key_id
            keys.write_document(path, document)
            keys.forget()
            self.stdout.write(f"new current {options['new_key']} key {key_id}")
        current = keys.ring().current["data"]
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            manager = model._base_manager
            for pk in manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = manager.select_for_update().get(pk=pk)
                    stale = []
                    for field in fields:
                        raw = row.__dict__.get(field.attname)
                        if raw is not None and crypto.key_id_of(raw) != current:
                            field.reseal(row)
                            stale.append(field.attname)
                    if stale:
                        row.save(update_fields=stale)
                        total += 1
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} rows under key {current}"))
