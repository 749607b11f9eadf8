from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.org"
    label = "org"
    verbose_name = "组织与人员"
