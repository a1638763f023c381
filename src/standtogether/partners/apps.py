from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "standtogether.partners"
    label = "partners"
    verbose_name = "Partner agencies"
