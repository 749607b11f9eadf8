"""Outside channels for notifications, chosen by the NOTIFY_BACKENDS setting: {channel: dotted path of a class}.

A backend is a class built with its channel name, with one method:

    send(recipient, title, body) -> None

which returns when the message is handed over and raises when it is not. Raise `Undeliverable` when trying again
cannot help (no phone number on file, an address the gateway refuses); any other exception is retried later with
a growing pause. SMS gateways differ by province and operator (政务短信平台), so a deployment plugs in its own class;
the console backend is the default for development and the demo.
"""

import logging
import sys

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_BACKENDS = {
    "sms": "jiefen.notify.backends.ConsoleBackend",
    "email": "jiefen.notify.backends.ConsoleBackend",
}


class Undeliverable(Exception):
    """The message cannot be delivered on this channel, now or later."""


class ConsoleBackend:
    """Print each message to standard output, for development and the demo; never fails."""

    def __init__(self, channel, stream=None):
        self.channel = channel
        self.stream = stream or sys.stdout

    def send(self, recipient, title, body):
        address = recipient.phone if self.channel == "sms" else recipient.email
        self.stream.write(
            f"[{self.channel}] → {recipient.display_name} <{address or _('未登记')}>\n{title}\n{body}\n\n"
        )
        self.stream.flush()


class EmailBackend:
    """Send through Django's e-mail machinery (EMAIL_HOST, EMAIL_PORT, … and DEFAULT_FROM_EMAIL)."""

    def __init__(self, channel):
        self.channel = channel

    def send(self, recipient, title, body):
        if not recipient.email:
            raise Undeliverable(_("%(name)s未登记电子邮箱") % {"name": recipient.display_name})
        send_mail(title, body, None, [recipient.email])


def configured():
    """{channel: backend instance} as NOTIFY_BACKENDS says now (read on each call, never at import)."""
    paths = getattr(settings, "NOTIFY_BACKENDS", DEFAULT_BACKENDS)
    return {channel: import_string(path)(channel=channel) for channel, path in paths.items()}
