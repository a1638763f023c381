"""Synthetic reports for the demo partnership, shaped like the real figures in design/product.md.

Race is by far the most common strand, then sexual orientation, disability, religion and transgender
identity; some incidents have several strands; repeat victims; a seasonal rise in summer; one spike after
a trigger event. Every report goes through the real submit action, so it is encrypted and audited.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from standtogether.taxonomy.models import Area, IncidentType, Marker, Setting, Strand

from . import actions
from .models import Draft

STRAND_WEIGHTS = {"race": 70, "sexual-orientation": 13, "disability": 8, "religion": 5, "transgender": 4}
AREA_WEIGHTS = {
    "nuneaton-bedworth": 28,
    "warwick": 26,
    "rugby": 20,
    "stratford-on-avon": 16,
    "north-warwickshire": 10,
}
SETTING_WEIGHTS = {
    "street": 30,
    "home": 15,
    "shop": 10,
    "online": 12,
    "public-transport": 8,
    "school": 9,
    "workplace": 8,
    "hotel": 3,
    "other": 5,
}
DESCRIPTIONS = [
    "A man shouted abuse at me at the bus stop and told me to go back to my country.",
    "Stickers with hateful slogans were put on lamp posts near the hotel where refugees are staying.",
    "My neighbour's children keep calling us names and throwing things at our windows.",
    "Someone spat at my sister while she was riding her bike. She has a learning disability.",
    "A group followed us from the station shouting homophobic insults.",
    "Messages from fake accounts keep arriving, saying I am not welcome here.",
    "A customer used racial slurs at the shop owner again, the third time this month.",
    "Graffiti was sprayed on the wall of the mosque overnight.",
    "At school my son is called names for not celebrating Christmas and staff do nothing.",
    "A man pulled at my headscarf at the traffic lights while my children were in the car.",
]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _date(rng: random.Random, today: dt.date) -> dt.date:
    # Seasonal: summer months a little busier; one spike (a trigger event) about 100 days ago.
    while True:
        days_ago = rng.randint(0, 364)
        day = today - dt.timedelta(days=days_ago)
        weight = 1.2 if day.month in (6, 7, 8) else 1.0
        if 95 <= days_ago <= 110:
            weight *= 2.5
        if rng.random() < weight / 2.5:
            return day


def load_demo_reports(count: int = 200, seed: int = 2023) -> int:
    rng = random.Random(seed)
    today = timezone.localdate()
    types = list(IncidentType.objects.values_list("code", flat=True))
    markers = list(Marker.objects.values_list("code", flat=True))
    valid = {
        "strand": set(Strand.objects.values_list("code", flat=True)),
        "area": set(Area.objects.values_list("code", flat=True)),
        "setting": set(Setting.objects.values_list("code", flat=True)),
    }
    made = 0
    for index in range(count):
        day = _date(rng, today)
        strands = {_weighted(rng, STRAND_WEIGHTS)}
        if rng.random() < 0.1:
            strands.add(_weighted(rng, STRAND_WEIGHTS))
        setting = _weighted(rng, SETTING_WEIGHTS)
        anonymous = rng.random() < 0.35
        answers = {
            "who": {
                "reporter_role": rng.choices(
                    ["targeted", "witness", "on-behalf", "organisation"], [60, 25, 12, 3]
                )[0]
            },
            "what": {
                "description": rng.choice(DESCRIPTIONS),
                "incident_types": rng.sample(types, k=rng.choice([1, 1, 2])),
            },
            "why": {
                "strands": sorted(strands & valid["strand"]),
                "markers": [rng.choice(markers)] if markers and rng.random() < 0.08 else [],
                "not_sure": False,
                "other_reason": "",
            },
            "when-where": {
                "date_kind": rng.choice(["exact", "exact", "about", "repeatedly"]),
                "date_start": day.isoformat(),
                "date_end": None,
                "setting": setting if setting in valid["setting"] else "",
                "area": _weighted(rng, AREA_WEIGHTS) if rng.random() < 0.92 else "unknown",
                "place": "",
                "online_platform": "Facebook" if setting == "online" else "",
                "happened_before": rng.choice(["yes", "no", "no", "not-sure"]),
            },
            "people": {
                "perpetrator": "",
                "others_present": rng.choice(["yes", "no", "not-sure"]),
                "children_involved": "yes" if rng.random() < 0.12 else "no",
            },
            "contact": {"anonymous": "yes"}
            if anonymous
            else {
                "anonymous": "no",
                "name": f"Demo person {index + 1}",
                "email": f"demo{index + 1}@example.org",
                "phone": "",
                "address": "",
                "channels": ["email"],
                "safe_times": "",
                "safety": [],
            },
            "needs": {
                "preferred_language": rng.choices(["en", "ar", "pl", "ur", "pa"], [80, 6, 6, 4, 4])[0],
                "interpreter": "yes" if rng.random() < 0.06 else "no",
                "interpreter_language": "Polish",
                "accessibility": [],
                "other_needs": "",
                "officer_gender": "none",
                "support": ["victim-support"] if rng.random() < 0.4 else [],
            },
            "consent": {
                "share": ["police", "victim-support"] if rng.random() < 0.7 else [],
                "partnership_only": False,
            },
        }
        received = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randint(7, 22), rng.randint(0, 59)))
        )
        draft = Draft(
            created_at=received - dt.timedelta(minutes=5),
            updated_at=received,
            expires_at=timezone.now() + dt.timedelta(hours=1),
            answers=answers,
            language="en",
        )
        draft.save()
        actions.submit_report(draft, f"demo-{seed}-{index}", channel="online", received_at=received)
        made += 1
    return made
