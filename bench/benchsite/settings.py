"""Settings for the benchmark server: the project's development settings with the bench URLconf on top.

DATABASES comes unchanged from base.py (DATABASE_URL), so SQLite keeps WAL and IMMEDIATE transactions.
"""

from standtogether.settings.dev import *  # noqa: F403
from standtogether.settings.dev import RATE_LIMITS

ROOT_URLCONF = "benchsite.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Every benchmark client connects from 127.0.0.1, so the per-connection limits (20 reports an hour) would
# turn the measurement into a measurement of the refusal page.
RATE_LIMITS = {**RATE_LIMITS, "submit": (10**9, 3600), "upload": (10**9, 3600)}

# Prepared drafts are submitted seconds after they are made; with the anti-bot delay every report would be
# quarantined, which is not the path a real person takes.
SUBMIT_MIN_SECONDS = 0
