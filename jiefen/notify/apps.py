from django.apps import AppConfig


def withdraw_from_accused_side(case, side):
    """An accusation's accused unit changed: the case's notifications to people of the new accused side go."""
    from jiefen.org.models import Unit

    from .models import Notification

    units = Unit.objects.filter(side).values("id")
    _total, by_model = Notification.objects.filter(case=case, recipient__unit__in=units).delete()
    return by_model.get(Notification._meta.label, 0)  # the notifications, not their outbox rows


def tell_staff(recipient, title, link, dedupe_key):
    from .models import Notification
    from .outbox import notify

    notify(recipient, kind=Notification.Kind.NOTICE, title=title, body=title, link=link, dedupe_key=dedupe_key)


class Config(AppConfig):
    name = "jiefen.notify"
    label = "notify"
    verbose_name = "督办与通知"

    def ready(self):
        from jiefen.cases import extensions

        extensions.register_once(extensions.accused_side_hooks, withdraw_from_accused_side)
        extensions.register_once(extensions.staff_tellers, tell_staff)
        from jiefen.cases.steps.perform import register_after_step

        from .handoffs import tell
        from .petitioners import tell_petitioners

        register_after_step(tell)
        register_after_step(tell_petitioners)
