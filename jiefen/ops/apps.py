from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.ops"
    label = "ops"
    verbose_name = "运维"
