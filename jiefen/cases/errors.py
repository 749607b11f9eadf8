"""What an action says when it refuses: a message for the person who tried, in Chinese."""

from django.utils.translation import gettext as _


class ActionError(Exception):
    """A step refused, with a message for the person who tried it (and the form field it is about, if any)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class CaseChanged(ActionError):
    def __init__(self):
        super().__init__(_("案件已被他人更新，请刷新页面查看最新状态后再操作"))
