from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "standtogether.cases"
    label = "cases"
    verbose_name = "Cases"
