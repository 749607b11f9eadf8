from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.portal"
    label = "portal"
    verbose_name = "群众服务"
