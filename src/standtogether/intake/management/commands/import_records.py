"""manage.py import_records --agency CODE --file F.csv [--dry-run] [--skip-bad-rows] --by USERNAME"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standtogether.cases import policy
from standtogether.intake import actions, importing
from standtogether.partners.models import Agency, Membership, Role

# A file read from the server's disk is not held in memory by a web request: a larger limit is fine.
COMMAND_MAX_BYTES = 50 * 1024 * 1024


def importer(username: str, agency: Agency) -> Membership:
    """The membership a person imports under: an agency administrator or coordinator of that agency, or a
    coordinator of the partnership (who may import for any agency), as the staff import page allows."""
    allowed = policy.PARTNERSHIP_PAGES["import"]
    memberships = Membership.objects.filter(
        user__username=username, user__is_active=True, active=True, agency__active=True, role__in=allowed
    ).select_related("agency", "user")
    own = next((m for m in memberships if m.agency_id == agency.pk), None)
    coordinator = next((m for m in memberships if policy.may_import_for(m, agency)), None)
    member = own or coordinator
    if member is None:
        raise CommandError(
            f"{username} may not import for {agency.code}: an active {Role.AGENCY_ADMIN.label} or "
            f"{Role.COORDINATOR.label} of that agency, or a coordinator of the partnership, may."
        )
    return member


class Command(BaseCommand):
    help = (
        "Import a partner's existing records from a CSV file (docs/import.md). Every row is checked first; "
        "with problems, nothing is imported unless --skip-bad-rows. Running the same file again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, metavar="CODE", help="whose records these are")
        parser.add_argument("--file", required=True, type=Path, metavar="F.csv")
        parser.add_argument("--by", required=True, metavar="USERNAME", help="who imports (in the audit)")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, leave out those with problems"
        )

    def handle(self, *args, agency, file, by, dry_run=False, skip_bad_rows=False, **options):
        found = Agency.objects.filter(code=agency, active=True).first()
        if found is None:
            raise CommandError(f"no active agency with the code {agency}")
        member = importer(by, found)
        try:
            with file.open("rb") as handle:
                raw = handle.read(COMMAND_MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        if len(raw) > COMMAND_MAX_BYTES:
            raise CommandError(f"{file} is bigger than {COMMAND_MAX_BYTES // (1024 * 1024)} MB: split it")
        check = importing.check(raw, found, limit=COMMAND_MAX_BYTES)
        for problem in check.problems:
            self.stdout.write(str(problem))
        for row in check.changed:
            self.stdout.write(
                _(
                    "line %(line)d: record %(id)s was imported before (%(reference)s) and has changed since. "
                    "It is not updated: add what changed to the case."
                )
                % {"line": row.line, "id": row.record_id, "reference": row.reference}
            )
        counts = check.counts()
        self.stdout.write(
            _(
                "%(rows)d rows: %(new)d new, %(same)d already imported, %(changed)d changed since they were "
                "imported, %(problems)d with problems."
            )
            % counts
        )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was imported."))
            return
        try:
            result = actions.import_records(
                check,
                agency=found,
                actor=f"user:{member.user_id}",
                by_agency=member.agency.code,
                skip_bad_rows=skip_bad_rows,
            )
        except actions.ImportRefused as refused:
            raise CommandError(
                "nothing was imported: fix the problems above, or run again with --skip-bad-rows"
            ) from refused
        self.stdout.write(
            ngettext(
                "Imported %(created)d record; it is a report with a case in the triage queue.",
                "Imported %(created)d records; each is a report with a case in the triage queue.",
                len(result.created),
            )
            % {"created": len(result.created)}
        )
        if result.skipped:
            self.stdout.write(
                _("Left out the rows with problems, on lines: %(lines)s.")
                % {"lines": ", ".join(str(line) for line in result.skipped)}
            )
