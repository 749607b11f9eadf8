from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.org"
    label = "org"
