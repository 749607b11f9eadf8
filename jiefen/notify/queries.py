"""Reads of a person's notifications: the bell and the notification page."""

from .models import Notification


def unread_count(user):
    """The number under the bell (index notification_unread)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user, *, unread_only=False):
    """`user`'s notifications, newest first (index notification_inbox), with the case and 督办单 they point to."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.select_related("case", "supervision")


def notification_of(user, pk):
    """The notification `pk` if it is `user`'s, else None: nobody reads another person's messages."""
    return Notification.objects.filter(recipient=user, pk=pk).first()
