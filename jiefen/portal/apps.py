from django.apps import AppConfig


def desk_inbox(user):
    """The desk's panel of online items awaiting a decision (网上信访待处理)."""
    from .queries import online_awaiting

    return {"template": "portal/_desk_online.html", "context": {"online_awaiting": online_awaiting(user)}}


class Config(AppConfig):
    name = "jiefen.portal"
    label = "portal"
    verbose_name = "群众服务"

    def ready(self):
        from jiefen.cases import extensions

        extensions.register_once(extensions.desk_panels, desk_inbox)
