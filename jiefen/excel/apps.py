from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.excel"
    label = "excel"
    verbose_name = "Excel导入导出"
