from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "standtogether.core"
    label = "core"
    verbose_name = "Core"
