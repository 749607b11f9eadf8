from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.leadership"
    label = "leadership"
    verbose_name = "领导包案与疑难案件"
