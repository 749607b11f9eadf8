from django.utils.functional import SimpleLazyObject

from . import queries


def unread_notifications(request):
    """`unread_notifications` for the bell in the top bar, counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: queries.unread_count(user))}
