from django.apps import AppConfig
from django.db.models.signals import post_migrate


def refresh_planner_statistics(using="default", **kwargs):
    """ANALYZE after migrations: a new index is only chosen once the planner has statistics for it (SQLite
    otherwise sorts a county's cases instead of walking the newest-first index)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


class Config(AppConfig):
    name = "jiefen.cases"
    label = "cases"
    verbose_name = "案件"

    def ready(self):
        post_migrate.connect(refresh_planner_statistics, sender=self, dispatch_uid="cases.analyze")
