from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "standtogether.taxonomy"
    label = "taxonomy"
    verbose_name = "Taxonomy (strands, markers, types, places, areas)"

    def ready(self) -> None:
        from . import terms

        terms.connect_signals()
