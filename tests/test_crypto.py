"""Field encryption, blind indexes and the key ring (design/security.md: keys, field encryption)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from standtogether.core import crypto, keys
from standtogether.intake.models import Addition


def test_ciphertext_is_bound_to_its_record_and_field():
    token = crypto.encrypt(b"he pulled my headscarf", "intake.report.description:1111")
    assert crypto.decrypt(token, "intake.report.description:1111") == b"he pulled my headscarf"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "intake.report.description:2222")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "intake.report.perpetrator:1111")


def test_ciphertext_carries_the_key_id():
    token = crypto.encrypt(b"x", "a")
    assert crypto.key_id_of(token) == keys.ring().current["data"]


def test_tampered_ciphertext_fails():
    token = bytearray(crypto.encrypt(b"secret words", "a"))
    token[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(token), "a")


def test_blind_index_normalises_and_hides():
    assert crypto.blind_index(" Name@Example.ORG ") == crypto.blind_index("name@example.org")
    assert crypto.blind_index("07700 900123", kind="phone") == crypto.blind_index(
        "+447700900123", kind="phone"
    )
    assert crypto.blind_index("cv21 2aa", kind="postcode") == crypto.blind_index("CV212AA", kind="postcode")
    assert "example" not in crypto.blind_index("name@example.org")
    assert crypto.blind_index("a", context="email") != crypto.blind_index("a", context="phone")


def test_key_file_is_private(settings):
    keys.ring()
    mode = settings.KEYS_FILE.stat().st_mode & 0o777
    assert mode == 0o600
    document = json.loads(settings.KEYS_FILE.read_text())
    assert set(document["current"]) == {"data", "index", "rate", "pepper"}


@pytest.mark.django_db
def test_encrypted_field_round_trip_and_raw_column_is_ciphertext():
    from tests.factories import make_report

    report = make_report(description="CANARY-round-trip words")
    addition = Addition(report=report, added_at=report.submitted_at, text="more CANARY words")
    addition.save()
    fresh = Addition.system.get(pk=addition.pk)
    assert fresh.text == "more CANARY words"
    raw = Addition.system.filter(pk=addition.pk).values_list("text", flat=True).get()
    assert b"CANARY" not in bytes(raw)


@pytest.mark.django_db
def test_copying_a_ciphertext_to_another_row_does_not_decrypt():
    from tests.factories import make_report

    first = make_report(description="first report text")
    second = make_report(description="second report text")
    raw = type(first).system.filter(pk=first.pk).values_list("description", flat=True).get()
    type(first).system.filter(pk=second.pk).update(description=bytes(raw))
    moved = type(first).system.get(pk=second.pk)
    with pytest.raises(crypto.DecryptionError):
        _ = moved.description


@pytest.mark.django_db
def test_rotate_keys_reencrypts_under_the_new_key():
    from tests.factories import make_report

    report = make_report(description="before rotation")
    old = keys.ring().current["data"]
    call_command("rotate_keys", "--new-key", "data", verbosity=0)
    new = keys.ring().current["data"]
    assert new != old
    raw = type(report).system.filter(pk=report.pk).values_list("description", flat=True).get()
    assert crypto.key_id_of(bytes(raw)) == new
    assert type(report).system.get(pk=report.pk).description == "before rotation"
