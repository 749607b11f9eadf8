from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.warning"
    label = "warning"
    verbose_name = "预警研判"

    def ready(self):
        from jiefen.cases import extensions

        from . import queries

        extensions.register_once(extensions.case_page_sections, queries.case_section)
