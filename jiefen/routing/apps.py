from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.routing"
    label = "routing"
    verbose_name = "属地管理与分级负责"

    def ready(self):
        from jiefen.cases import extensions

        from .rules import propose_for_case

        # 交办's form proposes the unit the rules name (属地管理、分级负责).
        extensions.register_once(extensions.route_proposers, propose_for_case)
