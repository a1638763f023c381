from pathlib import Path

from django.core.management.base import BaseCommand

from standtogether.taxonomy.loading import DEFAULT_FILE, load_taxonomy


class Command(BaseCommand):
    help = "Load (or update) strands, markers, incident types, settings and areas from a JSON data file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, **options):
        counts = load_taxonomy(Path(options["file"]))
        self.stdout.write(self.style.SUCCESS("loaded " + ", ".join(f"{v} {k}" for k, v in counts.items())))
