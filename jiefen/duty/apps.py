from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.duty"
    label = "duty"
    verbose_name = "领导接访值班"
