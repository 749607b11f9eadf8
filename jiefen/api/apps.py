from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.api"
    label = "api"
    verbose_name = "开放接口"
