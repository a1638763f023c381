"""Private incident diaries: rows that hold ciphertext only, readable with the owner's code and passphrase.

Nothing here is plain except what deletion of unused diaries needs (when a diary was last used) and the
row structure (how many entries and files). Dates, words, places and file names live inside the sealed
entries. The staff side has no way in: these models are not in the admin, no staff view imports them, and
without the passphrase the server itself cannot read a diary (diary/sealing.py).
"""

from __future__ import annotations

import uuid

from django.db import models


class Diary(models.Model):
    # The public id: audit events name it, never the code.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # HMAC(pepper key, diary code): finds the diary from its code; the code itself is never stored.
    lookup = models.CharField(max_length=64, unique=True)
    lookup_key_id = models.CharField(max_length=12)
    salt = models.BinaryField(max_length=16)
    kdf = models.JSONField(help_text="Argon2id costs the passphrase key was derived with")
    # The diary's data key, sealed twice: under the passphrase key, then under the server's pepper key.
    sealed_key = models.BinaryField()
    created_on = models.DateField()
    last_used_at = models.DateTimeField(db_index=True)

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"diary {self.uuid}"


class Entry(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    diary = models.ForeignKey(Diary, on_delete=models.CASCADE, related_name="entries")
    # AES-GCM under the diary's data key, bound to diary + entry (sealing.seal_entry).
    sealed = models.BinaryField()

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"diary entry {self.uuid}"


class EntryFile(models.Model):
    """A checked upload, sealed under the diary's data key, in the evidence store under a random name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    stored_name = models.CharField(max_length=64, unique=True)

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"diary file {self.uuid}"
