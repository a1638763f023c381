"""The risk questionnaire: configuration (a data file), scored into standard / medium / high.

A partnership keeps its own questions and thresholds in the file named by settings.RISK_QUESTIONS_FILE.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import get_language

DEFAULT_FILE = Path(__file__).parent / "data" / "risk.json"


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def questionnaire() -> dict:
    return _load(str(getattr(settings, "RISK_QUESTIONS_FILE", "") or DEFAULT_FILE))


def score(answers: dict[str, bool]) -> tuple[int, str]:
    data = questionnaire()
    total = sum(q["weight"] for q in data["questions"] if answers.get(q["code"]))
    for band in data["bands"]:  # highest first
        if total >= band["from"]:
            return total, band["level"]
    return total, "standard"


class RiskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or "en").split("-")[0]
        for question in questionnaire()["questions"]:
            # Questions are configuration: their wording (and any translations) live in the data file.
            label = (question.get("translations") or {}).get(language) or question["text"]
            self.fields[f"q_{question['code']}"] = forms.BooleanField(required=False, label=label)

    def answers(self) -> dict[str, bool]:
        return answers_from(self.cleaned_data)


def answers_from(cleaned_data: dict) -> dict[str, bool]:
    """Question code -> ticked, from the form's cleaned data (fields are named q_<code>)."""
    return {name[2:]: bool(value) for name, value in cleaned_data.items() if name.startswith("q_")}
