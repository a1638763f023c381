from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from standtogether.intake import printed


class Command(BaseCommand):
    help = (
        "Build the printed material (guide, Easy Read guide, poster, paper form) as PDFs for each offered "
        "language, into <out>/<lang>/{guide,guide-easy,poster,paper-form}.pdf. Run it on each deployment "
        "and after changing translations, the vocabulary, the agencies or STANDTOGETHER_SITE_URL: "
        "the site serves these files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang",
            action="append",
            dest="languages",
            metavar="CODE",
            help="only this language (repeat for more); default: every offered language",
        )
        parser.add_argument(
            "--kind", action="append", dest="kinds", choices=list(printed.KINDS), help="only this kind"
        )
        parser.add_argument(
            "--out", type=Path, help=f"output directory (default: PRINT_ROOT, {settings.PRINT_ROOT})"
        )

    def handle(self, *args, languages=None, kinds=None, out=None, **options):
        offered = [code for code, _name in settings.LANGUAGES]
        unknown = sorted(set(languages or []) - set(offered))
        if unknown:
            raise CommandError(f"not offered: {', '.join(unknown)} (offered: {', '.join(offered)})")
        root = out or settings.PRINT_ROOT
        for language in languages or offered:
            for kind in kinds or printed.KINDS:
                path = printed.build_pdf(kind, language, root)
                self.stdout.write(f"wrote {path} ({path.stat().st_size // 1024} KB)")
