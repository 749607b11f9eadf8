from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.audit"
    label = "audit"
    verbose_name = "审计"
