"""A case: what the partnership handles. Every submitted report creates or joins one.

No default `objects` manager. Staff screens read through `Case.visible.for_member(member)`, which can only
return cases the member's agency owns or was referred; `Case.system` is for the actions layer and the
reporter-safe tracking projection only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standtogether.core.fields import EncryptedTextField


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in-review", _("Being looked at")
    ASSIGNED = "assigned", _("Assigned to an officer")
    CLOSED = "closed", _("Closed")


class Risk(models.TextChoices):
    UNKNOWN = "", _("Not assessed")
    STANDARD = "standard", _("Standard")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Classification(models.TextChoices):
    UNCLASSIFIED = "", _("Not classified yet")
    CRIME = "crime", _("Hate crime")
    INCIDENT = "incident", _("Non-crime hate incident")
    NOT_HATE = "not-hate", _("Not hate-related")


class Outcome(models.TextChoices):
    CHARGED = "charged", _("Someone was charged")
    COMMUNITY_RESOLUTION = "community-resolution", _("Community resolution")
    RESTORATIVE = "restorative", _("Restorative meeting")
    MEDIATION = "mediation", _("Mediation")
    SUPPORT = "support", _("Support provided")
    SCHOOL_LANDLORD = "school-landlord-action", _("Action by the school or landlord")
    NO_FURTHER_ACTION = "no-further-action", _("No further action")
    WITHDREW = "withdrew", _("The reporter withdrew")
    NOT_HATE = "not-hate", _("Not hate-related")
    MERGED = "merged", _("Joined with another case about the same incident")


class CaseQuerySet(models.QuerySet):
    def for_member(self, member) -> CaseQuerySet:
        """Cases the member's agency owns, or was referred (waiting or accepted). A subquery, not a join:
        no DISTINCT over every column, so it stays cheap with hundreds of thousands of cases."""
        if member is None or not member.active:
            return self.none()
        referred = Referral.system.filter(
            to_agency_id=member.agency_id, status__in=["pending", "accepted"]
        ).values("case_id")
        return self.filter(Q(owner_agency_id=member.agency_id) | Q(pk__in=referred))

    def owned_by(self, member) -> CaseQuerySet:
        """The member's agency's own cases (its queue)."""
        if member is None or not member.active:
            return self.none()
        return self.filter(owner_agency_id=member.agency_id)


class Case(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    owner_agency = models.ForeignKey("partners.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    risk = models.CharField(max_length=10, choices=Risk.choices, blank=True, default="")
    classification = models.CharField(max_length=10, choices=Classification.choices, blank=True, default="")
    # Strands and markers as confirmed by staff (the reporter's own perception stays on each report).
    strands = models.ManyToManyField("taxonomy.Strand", blank=True, related_name="+")
    markers = models.ManyToManyField("taxonomy.Marker", blank=True, related_name="+")
    # The reporter's sharing choices (intake consent step); withdrawal empties it and is audited.
    consent_share = models.JSONField(default=list, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_key_event_at = models.DateTimeField(null=True, blank=True, help_text="starts the 5-day update clock")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_detail = EncryptedTextField(help_text="what happened, in plain words, as told to the reporter")
    outcome_told_at = models.DateTimeField(null=True, blank=True)
    outcome_not_told_reason = models.CharField(max_length=300, blank=True)
    contact_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="the reporter asked for contact"
    )
    # The earliest unmet clock, stored at every change so queues can sort and filter in the database.
    # Due times depend only on the case's own record, never on the passing of time, so this is exact;
    # "overdue" is decided at read time by comparing with now.
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_due_clock = models.CharField(max_length=30, blank=True)
    # Optimistic concurrency: every change bumps it; a save with a stale version is refused.
    version = models.PositiveIntegerField(default=1)
    # Triage flags, computed from the reports at intake (kept in clear: no one is identified by them).
    flag_children = models.BooleanField(default=False)
    flag_threats_violence = models.BooleanField(default=False)
    flag_repeat = models.BooleanField(default=False)
    flag_evidence = models.BooleanField(default=False)
    flag_interpreter = models.BooleanField(default=False)
    flag_vulnerable = models.BooleanField(default=False)
    flag_anonymous = models.BooleanField(default=False)
    flag_quarantined = models.BooleanField(default=False, help_text="looked like spam: held, never deleted")

    system = models.Manager()
    visible = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        base_manager_name = "system"
        default_manager_name = "system"
        indexes = [
            models.Index(fields=["owner_agency", "status", "opened_at"]),
            # The queue: an agency's open cases, soonest deadline first (PostgreSQL's ascending order
            # already puts NULLs last, which is what the queue asks for).
            models.Index(
                fields=["owner_agency", "next_due_at", "-opened_at"],
                name="case_queue",
                condition=~Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def next_due_label(self):
        from .clocks import label_of

        return label_of(self.next_due_clock) if self.next_due_clock else ""

    def consented_to(self) -> list[str]:
        return [] if self.consent_withdrawn_at else list(self.consent_share or [])

    def referral_status_for(self, agency_id: int) -> str | None:
        statuses = {r.status for r in self.referrals.all() if r.to_agency_id == agency_id}
        for status in ("accepted", "pending"):
            if status in statuses:
                return status
        return None

    def officer_for_tracking(self) -> dict | None:
        """What the reporter sees of their officer: first name, role in plain words, agency."""
        if self.officer is None:
            return None
        return {
            "first_name": self.officer.first_name,
            "role": self.officer.job_title or self.officer.get_role_display(),
            "agency": self.officer.agency.name,
        }


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to_agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="referrals")
    by = models.ForeignKey("partners.Membership", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    reason = models.TextField(blank=True, help_text="why it is referred (no personal details)")
    response_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    system = models.Manager()

    class Meta:
        ordering = ["-created_at"]
        default_manager_name = "system"

    def __str__(self) -> str:
        return f"{self.case} → {self.to_agency}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in-person", _("In person")
    VIDEO = "video", _("Video call")
    INTERMEDIARY = "intermediary", _("Through a trusted intermediary")
    TRACKING = "tracking", _("Tracking page")


class ContactKind(models.TextChoices):
    CONTACT = "contact", _("Contact with the reporter")
    FROM_REPORTER = "from-reporter", _("Message from the reporter")
    UPDATE = "update", _("Update sent to the reporter")
    SUPPORT_OFFERED = "support-offered", _("Support offered")
    PARTNER = "partner", _("Contact with a partner agency")


class Contact(models.Model):
    """Every contact, logged: channel, who, a summary (encrypted)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    by = models.ForeignKey("partners.Membership", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    kind = models.CharField(max_length=20, choices=ContactKind.choices, default=ContactKind.CONTACT)
    summary = EncryptedTextField()
    reporter_visible = models.BooleanField(default=False, help_text="an update shown on the tracking page")

    system = models.Manager()

    class Meta:
        ordering = ["-at"]
        default_manager_name = "system"

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.at:%Y-%m-%d}"


class Escalation(models.Model):
    """A breached clock or a reporter's concern, raised to a supervisor or the coordinator."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(
        max_length=20, choices=[("breach", _("Missed deadline")), ("concern", _("Concern"))]
    )
    clock = models.CharField(max_length=30, blank=True)
    detail = EncryptedTextField(help_text="the reporter's words, for a concern")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    system = models.Manager()

    class Meta:
        ordering = ["-raised_at"]
        default_manager_name = "system"
        constraints = [
            models.UniqueConstraint(fields=["case", "clock", "raised_at"], name="one_escalation_per_breach")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.clock}"


class Reminder(models.Model):
    """A reminder sent to the officer before a clock is due (once per clock and due time)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    clock = models.CharField(max_length=30)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        constraints = [
            models.UniqueConstraint(fields=["case", "clock", "due_at"], name="one_reminder_per_due")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.clock}"


class RiskAssessment(models.Model):
    """One completed questionnaire; the newest sets the case's risk (and so its priority)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    by = models.ForeignKey("partners.Membership", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Risk.choices)

    system = models.Manager()

    class Meta:
        ordering = ["-at"]
        default_manager_name = "system"

    def __str__(self) -> str:
        return f"{self.case} {self.level} ({self.score})"


class LinkKind(models.TextChoices):
    SAME_INCIDENT = "same-incident", _("The same incident (victim, witness or duplicate report)")
    REPEAT_VICTIM = "repeat-victim", _("The same person targeted again")
    SAME_LOCATION = "same-location", _("The same place")
    SAME_PERPETRATOR = "same-perpetrator", _("The same person or group doing it")


class CaseLink(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    by = models.ForeignKey("partners.Membership", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    system = models.Manager()

    class Meta:
        default_manager_name = "system"
        constraints = [models.UniqueConstraint(fields=["case", "other", "kind"], name="one_link_per_kind")]

    def __str__(self) -> str:
        return f"{self.case} ~ {self.other} ({self.kind})"
