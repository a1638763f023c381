"""A second line of defence: strip request objects and known sensitive keys from log records."""

from __future__ import annotations

import logging
import re

SENSITIVE = re.compile(
    r"(REMOTE_ADDR|HTTP_USER_AGENT|HTTP_X_FORWARDED_FOR|tracking|secret|password|email|phone)", re.I
)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django attaches the request to django.request records; its META holds the IP and user agent.
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.args, dict):
            record.args = {
                k: ("[scrubbed]" if SENSITIVE.search(str(k)) else v) for k, v in record.args.items()
            }
        return True
