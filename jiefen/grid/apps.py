from django.apps import AppConfig


def mediators_of(case):
    """The centre's register of visitors and mediators (排查调解力量), for a mediation session of `case`: short, so
    all of it, by kind."""
    from .models import Visitor

    return Visitor.objects.filter(centre=case.centre_id, active=True).order_by("kind", "name")


class Config(AppConfig):
    name = "jiefen.grid"
    label = "grid"
    verbose_name = "排查走访与调解"

    def ready(self):
        from jiefen.cases import extensions

        extensions.register_once(extensions.mediator_registers, mediators_of)
