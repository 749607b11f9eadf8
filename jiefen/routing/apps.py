from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.routing"
    label = "routing"
    verbose_name = "属地管理与分级负责"
