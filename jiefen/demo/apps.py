from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.demo"
    label = "demo"
    verbose_name = "演示数据"
