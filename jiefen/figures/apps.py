from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.figures"
    label = "figures"
    verbose_name = "数据研判"

    def ready(self):
        from jiefen.cases import extensions

        from . import counting

        # Every change of a case moves the daily aggregates in its own transaction (counting.py).
        extensions.register_once(
            extensions.case_change_hooks, extensions.CaseChangeHook(before=counting.snapshot, after=counting.update)
        )
