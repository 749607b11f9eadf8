from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.grid"
    label = "grid"
    verbose_name = "排查走访与调解"
