from django.apps import AppConfig


class LanguagesConfig(AppConfig):
    name = "standtogether.languages"
    label = "languages"
    verbose_name = "Languages and translations"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the status file check
