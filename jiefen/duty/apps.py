from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.duty"
    label = "duty"
    verbose_name = "领导接访值班"

    def ready(self):
        from jiefen.cases import extensions

        from .services import walk_in_defaults

        extensions.register_once(extensions.intake_defaults, walk_in_defaults)
