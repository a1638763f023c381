"""Local development and `make run`: a secret key generated into var/ on first use."""

from standtogether.core.keys import local_secret_key

from .base import *  # noqa: F403
from .base import VAR_DIR, os

SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(VAR_DIR / "secret_key")

# `make run` has no mail server: show emails on the console unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
