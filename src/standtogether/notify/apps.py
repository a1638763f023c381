from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "standtogether.notify"
    label = "notify"
    verbose_name = "Messages to reporters"
