from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "standtogether.intake"
    label = "intake"
    verbose_name = "Reports"
