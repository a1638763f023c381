"""Test settings: a throw-away key ring and evidence store per run; SQLite unless DATABASE_URL is set."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import os

SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789"
_tmp = Path(tempfile.mkdtemp(prefix="standtogether-test-"))
KEYS_FILE = _tmp / "keys.json"
EVIDENCE_DIR = _tmp / "evidence"
SUBMIT_MIN_SECONDS = int(os.environ.get("SUBMIT_MIN_SECONDS", 0))
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SMS_DIR = _tmp / "sms"
PRINT_ROOT = _tmp / "print"  # PDFs built by tests never land in the development var/
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # tests point it at a real local listener
EMAIL_PORT = 1  # nothing listens here: a test that forgets the listener fails loudly
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Cheap diary key derivation in tests (bench/diary_kdf.py measures the real costs).
DIARY_KDF = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A real file (not :memory:), so tests can read the raw bytes a thief would get.
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / "test.sqlite3")}  # noqa: F405

STATIC_ROOT = _tmp / "staticfiles"  # tests serve static files from the apps; this only quiets whitenoise
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
