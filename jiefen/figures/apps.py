from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.figures"
    label = "figures"
    verbose_name = "数据研判"
