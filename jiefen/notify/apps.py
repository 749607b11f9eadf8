from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.notify"
    label = "notify"
    verbose_name = "督办与通知"
