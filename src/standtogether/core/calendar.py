"""Working days: Monday to Friday except England and Wales bank holidays (the `holidays` package).

The Victims' Code counts in working days. The region is configuration (settings.WORKING_DAY_REGION).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int, country: str, subdiv: str) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv or None, years=[year]).keys())


def is_working_day(day: dt.date) -> bool:
    country, subdiv = settings.WORKING_DAY_REGION
    return day.weekday() < 5 and day not in _bank_holidays(day.year, country, subdiv)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The end of the `days`-th working day after `start` (local time), e.g. received Friday 17:00,
    1 working day → end of Monday (or Tuesday after a bank holiday Monday)."""
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    end = dt.datetime.combine(day, dt.time(23, 59, 59))
    return timezone.make_aware(end, timezone.get_current_timezone())


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    day, last, count = timezone.localtime(start).date(), timezone.localtime(end).date(), 0
    while day < last:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
