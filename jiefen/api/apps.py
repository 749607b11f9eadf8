from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.api"
    label = "api"
    verbose_name = "开放接口"

    def ready(self):
        from jiefen.cases import extensions

        from .georeport import case_section

        extensions.register_once(extensions.case_page_sections, case_section)
