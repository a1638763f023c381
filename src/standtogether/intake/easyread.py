"""The words of the Easy Read reading mode (intake/reading.py switches it on): short sentences, one idea
each, everyday words, a picture beside each key point.

All Easy Read text lives here, so it can be measured in one place (tests/test_easy_read.py: at most 15
words a sentence, Flesch-Kincaid grade 3 or below on every page) and translated like any other string.
Pictures are named; assets/easyread.mjs says which OpenMoji symbol each name is and copies only those.

Forms keep their fields, choices and validation: only labels and hints change (`apply_to`), so a report
made in Easy Read saves exactly the answers a standard one does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PICTURES_DIR = "dist/easyread"  # under static/; built by `make assets`


@dataclass(frozen=True)
class Point:
    """A picture and the sentences beside it (one sentence per line)."""

    picture: str
    sentences: tuple[Promise, ...]

    def __init__(self, picture: str, *sentences: Promise) -> None:
        object.__setattr__(self, "picture", picture)
        object.__setattr__(self, "sentences", sentences)

    @property
    def static_path(self) -> str:
        return f"{PICTURES_DIR}/{self.picture}.svg"


NOT_SURE = _("You do not have to be sure.")
NO_NAME = _("You do not have to give your name.")
ONLY_YES = _("We only share your report with people you say yes to.")
ADD_PHOTOS = _("You can add photos or screenshots.")
SKIP = _("You can skip this.")
NOT_AGAIN = _("We cannot send it again.")
TICK_ALL = _("Tick all that fit.")

DANGER = [
    Point(
        "danger",
        _("In danger now? Call 999."),
        _("If you are deaf or cannot speak, text relay: call 18000."),
        _("We do not read this form all the time."),
    )
]

PAGES: dict[str, list[Point]] = {
    "home": [
        Point("worried", _("Did someone hurt or scare you because of who you are?")),
        Point("speech", _("Tell us what happened."), _("We want to help.")),
        Point("anonymous", NO_NAME),
    ],
    "start.what": [
        Point("worried", _("Hate is when someone is nasty to you because of who you are.")),
        Point("speech", _("They may shout at you or call you names.")),
        Point("hit", _("They may push you, hit you or spit at you.")),
        Point("mobile", _("They may send you nasty messages online.")),
        Point(
            "people",
            _("It can be about your skin colour, your country or your religion."),
            _("It can be about a disability, or being gay or trans."),
            _("It can be about being a woman or a girl."),
        ),
        Point("question", NOT_SURE, _("Tell us anyway.")),
    ],
    "start.before": [
        Point("clock", _("It takes about 5 minutes.")),
        Point("speech", _("You only have to tell us what happened."), _("You can skip the other questions.")),
        Point("anonymous", NO_NAME),
        Point("camera", ADD_PHOTOS),
        Point("save", _("You can save your answers and come back later.")),
    ],
    "start.next": [
        Point("key", _("You get a reference and a secret code."), _("Keep them safe.")),
        Point("phone", _("If you want, we will contact you by the next working day.")),
        Point("lock", ONLY_YES),
    ],
    # One intro per step of the journey (journey.STEPS), at the top of the step.
    "step.who": [
        Point("person", _("Tell us who this happened to.")),
        Point("people", _("It can be you or someone else."), _("It can be something you saw.")),
    ],
    "step.what": [
        Point("speech", _("Tell us what happened in your own words.")),
        Point("check", _("This is the only question you must answer.")),
        Point("language", _("You can write in any language.")),
    ],
    "step.why": [
        Point("question", _("Tell us why you think they did it.")),
        Point("check", NOT_SURE, _("You do not have to prove it.")),
    ],
    "step.when-where": [
        Point("calendar", _("Tell us when it happened.")),
        Point("place", _("Tell us where it happened.")),
        Point("question", _("Skip what you do not know.")),
    ],
    "step.people": [
        Point("person", _("Tell us about the person who did it.")),
        Point("people", _("Tell us if other people saw it.")),
    ],
    "step.evidence": [
        Point("camera", ADD_PHOTOS, SKIP),
        Point(
            "lock", _("We take hidden details out of your photos."), _("For example, where you took them.")
        ),
    ],
    "step.contact": [
        Point("phone", _("Tell us if we can contact you.")),
        Point(
            "anonymous",
            _("You can choose not to give your name."),
            _("Then we cannot contact you."),
            _("But you can still check your report."),
        ),
        Point("shield", _("Tell us what is safe for you.")),
    ],
    "step.contact.relay": [
        Point(
            "phone",
            _("Is it hard for you to hear or speak?"),
            _("You can use text relay or BSL."),
            _("You can ask for them on the next page."),
        ),
    ],
    "step.needs": [
        Point("language", _("Tell us which language you speak.")),
        Point("help", _("Tell us what help you need.")),
    ],
    "step.consent": [
        Point("lock", _("Tell us who can see your report.")),
        Point("shield", ONLY_YES),
    ],
    "check": [
        Point("check", _("Check your answers."), _("You can change them.")),
        Point("send", _("Then send your report.")),
    ],
    "sent.reference": [
        Point("write", _("This is your reference."), _("Write it down.")),
    ],
    "sent.code": [
        Point("key", _("This is your secret code."), _("Write it down too.")),
        Point("lock", _("Keep it where no one else can find it.")),
        Point("question", _("We show it only once."), NOT_AGAIN),
        Point("look", _("You need the reference and the code to check your report.")),
    ],
    "sent.anonymous": [
        Point("anonymous", _("You did not give your name."), _("So we cannot contact you.")),
        Point("check", _("We will still read your report.")),
    ],
    "sent.contact": [
        Point("phone", _("We will contact you by the next working day.")),
        Point("shield", _("We will only contact you in the ways you said are safe.")),
        Point("person", _("We will tell you who is looking after your report.")),
        Point("news", _("We will send you news at least every 14 days.")),
    ],
    "track": [
        Point("key", _("Type your reference and your secret code.")),
        Point("look", _("Then you can see what is happening with your report.")),
    ],
    "track.lost": [
        Point("question", _("Did you lose your code?"), NOT_AGAIN, _("You can make a new report.")),
    ],
    "track.status": [
        Point("look", _("Here you can see how your report is going.")),
        Point("news", _("When we have news for you, you can read it here.")),
        Point("write", _("You can add more to your report at any time.")),
    ],
    "track.add": [
        Point("write", _("Tell us anything new.")),
        Point("camera", ADD_PHOTOS),
    ],
    # The printed Easy Read guide (printed.py, kind "guide-easy"); it also uses the start page's points.
    "guide.online": [
        Point("mobile", _("Use the website on a phone or a computer.")),
    ],
    "guide.centre": [
        Point("help", _("You can ask someone you trust to help you.")),
        Point("phone", _("You can phone or visit a reporting centre.")),
    ],
    "guide.track": [
        Point("look", _("Use your reference and secret code to check your report.")),
    ],
    "guide.help": [
        Point("help", _("You can get help even if you do not report.")),
    ],
}

# Easy Read labels and hints, by field name (a field missing here, or None, keeps its standard text).
FIELDS: dict[str, tuple[Promise | None, Promise | None]] = {
    "reporter_role": (_("Who did this happen to?"), None),
    "description": (None, _("Use your own words.")),
    "incident_types": (_("What did they do?"), TICK_ALL),
    "strands": (_("Was it because of one of these?"), TICK_ALL),
    "markers": (None, TICK_ALL),
    "other_reason": (_("Any other reason?"), SKIP),
    "date_start": (None, _("If it happened more than once, give the first date.")),
    "date_end": (_("The last time it happened"), None),
    "online_platform": (_("If it was online, which app or website?"), None),
    "place": (_("Which street or place?"), SKIP),
    "happened_before": (_("Has this happened to you before?"), None),
    "perpetrator": (_("Who did it?"), _("What did they look like? Do you know their name?")),
    "others_present": (_("Did other people see or hear it?"), None),
    "children_involved": (_("Were there any children?"), None),
    "files": (_("Add photos or screenshots"), None),
    "phone": (None, _("Give a mobile number if you want texts.")),
    "safe_times": (
        _("When is it safe to contact you?"),
        _("Tell us the days and times that are safe for you."),
    ),
    "preferred_language": (_("Which language do you want us to use?"), None),
    "interpreter": (None, _("An interpreter tells you what we say, in your language.")),
    "interpreter_language": (_("Which language?"), None),
    "officer_gender": (_("Do you want to talk to a man or a woman?"), None),
    "support": (_("What help do you want?"), TICK_ALL),
    "share": (_("Who else can see your report?"), _("If you tick nobody, only we will see it.")),
    "partnership_only": (_("Do not share it with anyone else."), None),
    "code": (_("Secret code"), _("It has 16 letters and numbers.")),
}


def apply_to(form: forms.BaseForm) -> None:
    """Swap in the Easy Read label and hint of each field; names, choices and validation stay as they are."""
    for name, field in form.fields.items():
        label, hint = FIELDS.get(name, (None, None))
        if label is not None:
            field.label = label
        if hint is not None:
            field.help_text = hint


def every_sentence() -> list[Promise]:
    """Each Easy Read string once (for the tests that measure them)."""
    found = [s for points in (DANGER, *PAGES.values()) for point in points for s in point.sentences]
    found += [text for pair in FIELDS.values() for text in pair if text is not None]
    return list(dict.fromkeys(found))
