"""Marking notifications read: a person's own bookkeeping, not a change to any case, so no audit record."""

from django.utils import timezone


def mark_read(notification):
    """Mark `notification` read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        type(notification).objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user):
    """Mark all of `user`'s unread notifications read; return how many."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
