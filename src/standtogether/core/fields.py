"""Model fields that encrypt transparently, bound to their record.

The column holds `keyid:nonce:ciphertext`. The associated data is `<app>.<model>.<field>:<record uuid>`, so a
model using these fields needs a `uuid` field set before the first save (UUIDField(default=uuid4) does it).
Reading the attribute decrypts lazily; assigning a plain value marks it for encryption at save.
Querying by an encrypted value is impossible by design: add a blind index column instead.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from . import crypto


class _Sealed(bytes):
    """Ciphertext as loaded from the database, not yet decrypted."""


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, _Sealed):
            value = self.field.decode(crypto.decrypt(value, self.field.aad(instance)))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        if isinstance(value, memoryview | bytes) and not isinstance(value, _Sealed):
            value = _Sealed(bytes(value))
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.BinaryField):
    """Base: subclasses say how a Python value becomes bytes and back."""

    empty_values = [None, ""]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _EncryptedDescriptor(self))

    def aad(self, instance: models.Model) -> str:
        record = getattr(instance, "uuid", None)
        if record is None:
            raise ValueError(f"{type(instance).__name__} needs a uuid before an encrypted field is used")
        return f"{self.model._meta.label_lower}.{self.name}:{record}"

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, raw: bytes) -> Any:
        raise NotImplementedError

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None:
            return None
        if isinstance(value, _Sealed):
            return bytes(value)
        return crypto.encrypt(self.encode(value), self.aad(model_instance))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and not isinstance(value, bytes | memoryview):
            raise TypeError("encrypted fields are written only through save(); they cannot be queried")
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return _Sealed(bytes(value))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return ""  # never serialised (dumpdata, admin) in the clear

    def reseal(self, instance: models.Model) -> None:
        """Force re-encryption under the current key at the next save (key rotation)."""
        value = getattr(instance, self.attname)
        instance.__dict__[self.attname] = value


class EncryptedTextField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, raw: bytes) -> str:
        return raw.decode("utf-8")


class EncryptedJSONField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def decode(self, raw: bytes) -> Any:
        return json.loads(raw)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
