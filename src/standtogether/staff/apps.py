from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "standtogether.staff"
    label = "staff"
    verbose_name = "Staff site"
