from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.clocks"
    label = "clocks"
