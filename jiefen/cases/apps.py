from django.apps import AppConfig
from django.db.models.signals import post_migrate


def refresh_planner_statistics(using="default", **kwargs):
    """ANALYZE after migrations: a new index is only chosen once the planner has statistics for it (SQLite
    otherwise sorts a county's cases instead of walking the newest-first index)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def clock_events():
    """The events a clock rule may name: the registration, and every registered step."""
    from .steps import registry

    return {"register", *registry.codes()}


class Config(AppConfig):
    name = "jiefen.cases"
    label = "cases"
    verbose_name = "案件"

    def ready(self):
        from . import notices, steps  # noqa: F401 (declaring the steps registers them; notices issue on steps)

        post_migrate.connect(refresh_planner_statistics, sender=self, dispatch_uid="cases.analyze")
        # The clocks below know the lifecycle's events and react to a new holiday schedule only through these.
        from jiefen.clocks import hooks

        from .actions.clocks import do_recompute_deadlines

        hooks.register_events(clock_events)
        hooks.on_schedule_loaded(do_recompute_deadlines)
