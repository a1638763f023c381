"""Agencies of the partnership. Configuration: loaded from a data file, edited in the admin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localised(record, attribute: str) -> tuple[str, str]:
    """A public text of the partnership's configuration in the reader's language, with the language it is
    in: `record.translations` holds {"<language>": {"<attribute>": "…"}}; untranslated, the English."""
    language = (get_language() or "en").split("-")[0]
    text = (record.translations or {}).get(language, {}).get(attribute)
    return (text, language) if text else (getattr(record, attribute), "en")


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police")
    CPS = "cps", _("Crown Prosecution Service")
    VICTIM_SUPPORT = "victim-support", _("Victim support service")
    COUNCIL = "council", _("Council")
    SCHOOL = "school", _("School or college")
    HOUSING = "housing", _("Housing provider")
    COMMUNITY = "community", _("Community organisation or reporting centre")
    PARTNERSHIP = "partnership", _("Partnership")


class Agency(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    area = models.ForeignKey("taxonomy.Area", null=True, blank=True, on_delete=models.SET_NULL)
    public_description = models.TextField(blank=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"ar": {"public_description": "…"}, …}: the public text per language',
    )
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    is_support_service = models.BooleanField(default=False, help_text="listed on the public support page")
    receives_new_reports = models.BooleanField(default=False, help_text="owns the triage queue")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        """The public description in the reader's language (configuration), falling back to English."""
        return localised(self, "public_description")[0]

    @property
    def description_language(self) -> str:
        return localised(self, "public_description")[1]


class RelayKind(models.TextChoices):
    TEXT_RELAY = "text-relay", _("Text relay")
    BSL_VIDEO = "bsl-video", _("BSL video relay")


class RelayRoute(models.Model):
    """How a Deaf person, or someone who finds it hard to hear or speak, reaches an agency: text relay
    (Relay UK: 18001 before the number) or British Sign Language through a video relay service.

    Configuration: the `relay` list of an agency in the partnership's data file, edited in the admin. A
    video relay is a plain link to the outside service: nothing of it is embedded or loaded by our pages.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="relay_routes")
    kind = models.CharField(max_length=20, choices=RelayKind.choices)
    phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="text relay: the number to dial after 18001 (empty: the agency's phone number)",
    )
    url = models.URLField(blank=True, help_text="BSL video relay: the page where a call starts")
    hours = models.CharField(
        max_length=200, blank=True, help_text="when it is open, in plain words: e.g. 24 hours, every day"
    )
    translations = models.JSONField(
        default=dict, blank=True, help_text='{"ar": {"hours": "…"}, …}: the opening hours per language'
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "kind"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="one_relay_route_per_kind")]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_kind_display()}"

    @property
    def hours_text(self) -> str:
        return localised(self, "hours")[0]

    @property
    def hours_language(self) -> str:
        return localised(self, "hours")[1]

    @property
    def number(self) -> str:
        """The number a text relay call goes to (without the 18001 prefix)."""
        return self.phone or self.agency.phone


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    AGENCY_ADMIN = "agency-admin", _("Agency administrator")
    COORDINATOR = "coordinator", _("Partnership coordinator")


class Membership(models.Model):
    """A person's place in one agency. A person may belong to several agencies, one role in each."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(
        max_length=100, blank=True, help_text="shown to reporters, in plain words: e.g. Hate crime caseworker"
    )
    gender = models.CharField(
        max_length=10,
        blank=True,
        choices=[("woman", _("Woman")), ("man", _("Man"))],
        help_text="optional, self-described: lets us meet a reporter's request for a female or male officer",
    )
    languages = models.JSONField(
        default=list, blank=True, help_text='language codes spoken, e.g. ["en", "pl"]'
    )
    translator = models.BooleanField(
        default=False,
        help_text="may edit the translations at /staff/translate/, whatever the role",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()}, {self.agency})"

    @property
    def first_name(self) -> str:
        return self.user.first_name or self.user.get_username()


class StaffProfile(models.Model):
    """Per-person security state: sessions started before `sessions_valid_after` are ended."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    sessions_valid_after = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"profile of {self.user.get_username()}"


class ReportingCentre(models.Model):
    """A third-party reporting centre: a place where people can report hate with someone's help.

    One-to-one with the agency that runs it (usually a community organisation, but any kind): the agency
    keeps its name, area, phone and website; its staff are its memberships. Listed on /<lang>/centres/.
    Configuration: the `centre` object of an agency in the partnership's data file, edited in the admin.
    """

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="centre")
    address = models.TextField(help_text="street address, one line per line, without the postcode")
    postcode = models.CharField(max_length=10, blank=True)
    opening_times = models.CharField(
        max_length=300, help_text="in plain words: e.g. Monday to Friday, 9am to 5pm"
    )
    help_with = models.CharField(
        max_length=300, blank=True, help_text="what they help with, one short sentence"
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"ar": {"opening_times": "…", "help_with": "…"}, …}: the public text per language',
    )
    languages = models.JSONField(
        default=list, blank=True, help_text='language codes spoken, e.g. ["en", "pl", "so"]'
    )
    access = models.JSONField(
        default=list, blank=True, help_text='access feature codes, e.g. ["step-free", "hearing-loop"]'
    )
    email = models.EmailField(blank=True)
    location = models.CharField(
        max_length=12,
        blank=True,
        help_text="where the marker goes: a ward or district code from the boundary data (e.g. E05007474); "
        "or give longitude and latitude",
    )
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=True, help_text="listed on the public finder")

    class Meta:
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return f"{self.agency}: reporting centre"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from . import centres, maps

        errors = {}
        unknown = [code for code in self.languages or [] if code not in centres.language_names()]
        if unknown:
            errors["languages"] = f"unknown language codes: {', '.join(unknown)} (see partners/centres.py)"
        unknown = [code for code in self.access or [] if code not in centres.ACCESS_FEATURES]
        if unknown:
            errors["access"] = f"unknown access features: {', '.join(unknown)}"
        if (self.longitude is None) != (self.latitude is None):
            errors["latitude"] = "give both longitude and latitude, or neither"
        if self.location and not maps.place_of(self.location):
            errors["location"] = f"{self.location} is not a ward or district in the boundary data"
        if errors:
            raise ValidationError(errors)

    @property
    def opening_times_text(self) -> str:
        return localised(self, "opening_times")[0]

    @property
    def opening_times_language(self) -> str:
        return localised(self, "opening_times")[1]

    @property
    def help_with_text(self) -> str:
        return localised(self, "help_with")[0]

    @property
    def help_with_language(self) -> str:
        return localised(self, "help_with")[1]

    @property
    def address_lines(self) -> list[str]:
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return [*lines, self.postcode] if self.postcode else lines
