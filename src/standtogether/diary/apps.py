from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "standtogether.diary"
    label = "diary"
    verbose_name = "Private diaries"
