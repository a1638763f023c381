"""What a person tells us: drafts in progress, submitted reports, later additions and evidence.

Free text, contact details and preferences are encrypted at rest (core.fields); what stays in clear is only
what counting needs and cannot identify anyone. No IP address or user agent is a column anywhere.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from standtogether.core.fields import EncryptedJSONField, EncryptedTextField


class Draft(models.Model):
    """A journey in progress, kept server-side so refresh, back or a lost connection loses nothing."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    answers = EncryptedJSONField()
    language = models.CharField(max_length=10, default="en")
    submit_key = models.CharField(max_length=64, blank=True, help_text="one-time key of the check page")
    resume_id = models.CharField(max_length=8, null=True, blank=True, unique=True)
    resume_hash = models.CharField(max_length=200, blank=True)
    suspected_spam = models.BooleanField(default=False)
    report = models.OneToOneField("Report", null=True, blank=True, on_delete=models.SET_NULL)
    confirmation = EncryptedJSONField(help_text="reference and tracking code, for the confirmation page only")

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"draft {self.uuid}"


class ReporterRole(models.TextChoices):
    TARGETED = "targeted", _("It happened to me")
    WITNESS = "witness", _("I saw it happen")
    ON_BEHALF = "on-behalf", _("I am reporting for someone else, with their permission")
    ORGANISATION = "organisation", _("I am reporting for an organisation")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online form")
    EASY_READ = "easy-read", _("Easy Read form")
    CENTRE = "centre", _("Through a reporting centre")
    SESSION = "session", _("At a group session")
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("By phone")
    IMPORT = "import", _("Imported partner record")


class Report(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    tracking_hash = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reports")
    submitted_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    language = models.CharField(max_length=10, default="en")
    reporter_role = models.CharField(max_length=20, choices=ReporterRole.choices, blank=True)

    # What happened
    description = EncryptedTextField()
    incident_types = models.ManyToManyField("taxonomy.IncidentType", blank=True)
    # Why (perception-based: the reporter never has to prove it)
    strands = models.ManyToManyField("taxonomy.Strand", blank=True)
    markers = models.ManyToManyField("taxonomy.Marker", blank=True)
    motive_not_sure = models.BooleanField(default=False)
    motive_other = EncryptedTextField()
    # When and where
    date_kind = models.CharField(max_length=20, blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    setting = models.ForeignKey("taxonomy.Setting", null=True, blank=True, on_delete=models.PROTECT)
    area = models.ForeignKey("taxonomy.Area", null=True, blank=True, on_delete=models.PROTECT)
    place = EncryptedTextField(help_text="place, street or postcode")
    online_platform = EncryptedTextField()
    happened_before = models.CharField(max_length=10, blank=True)
    # People
    perpetrator = EncryptedTextField()
    others_present = models.CharField(max_length=10, blank=True)
    children_involved = models.CharField(max_length=10, blank=True)
    # Contact: all details and contact-safety preferences encrypted together
    anonymous = models.BooleanField(default=True)
    contact = EncryptedJSONField()
    # Blind indexes (HMAC, core.crypto.blind_index) so staff can find repeat victims without decrypting.
    email_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    place_index = models.CharField(max_length=64, blank=True, db_index=True)
    preferred_language = models.CharField(max_length=10, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    support_wanted = models.JSONField(default=list, blank=True)
    needs = EncryptedJSONField(help_text="accessibility needs and officer preference")
    consent = models.JSONField(default=dict, blank=True)
    quarantined = models.BooleanField(default=False)

    system = models.Manager()

    class Meta:
        ordering = ["-submitted_at"]
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return self.reference


class Addition(models.Model):
    """More information the reporter added later from the tracking page."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="additions")
    added_at = models.DateTimeField()
    text = EncryptedTextField()

    system = models.Manager()

    class Meta:
        ordering = ["added_at"]
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"addition {self.uuid}"


class Evidence(models.Model):
    """A checked, re-encoded file, encrypted under its own key, stored outside every web root."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    addition = models.ForeignKey(Addition, null=True, blank=True, on_delete=models.SET_NULL)
    stored_name = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10)  # image or pdf
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file_key = EncryptedTextField()
    label = EncryptedTextField(help_text="the file name the person gave it")
    added_at = models.DateTimeField()

    system = models.Manager()

    class Meta:
        ordering = ["added_at"]
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"evidence {self.uuid}"


class ImportedRecord(models.Model):
    """A partner's record imported as a report (intake/importing.py): the same record is never imported
    twice, and a record changed since its import is reported instead of overwritten.

    The partner's own id is a pseudonymous key into their files (it can lead to the person), so it is kept
    as a blind index (equality lookups, unique per agency) and, encrypted, for staff and re-indexing.
    `fingerprint` is an HMAC of the row as imported: it tells a changed row without keeping its words.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="imported_records")
    record_index = models.CharField(max_length=64)
    partner_record_id = EncryptedTextField()
    fingerprint = models.CharField(max_length=64)
    partner_status = EncryptedTextField(help_text="the outcome or status in the partner's record, if given")
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="imported_record")
    file_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField()

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        base_manager_name = "system"
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_index"], name="one_import_per_partner_record")
        ]

    def __str__(self) -> str:
        return f"imported record {self.uuid}"


class PendingImport(models.Model):
    """An uploaded CSV between its dry run and the confirmation: encrypted, tied to who uploaded it, gone
    when the import runs, is cancelled, or after IMPORT_PENDING_MINUTES (purged whenever the page opens)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey("partners.Membership", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("partners.Agency", on_delete=models.CASCADE, related_name="+")
    content = EncryptedTextField(help_text="the decoded CSV text")
    file_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        base_manager_name = "system"

    def __str__(self) -> str:
        return f"pending import {self.uuid}"
