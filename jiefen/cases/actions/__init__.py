"""The one write path for cases (DESIGN.md §4): views, API, commands and tests call these and nothing else."""

from django.utils.translation import gettext as _

from .clocks import do_recompute_deadlines  # noqa: F401
from .core import ActionError, CaseChanged  # noqa: F401
from .intake import do_record_contact, do_register_case  # noqa: F401
from .leadership import ACTION_FUNCTIONS as _LEADERSHIP_FUNCTIONS
from .workflow import ACTION_FUNCTIONS as _WORKFLOW_FUNCTIONS

ACTION_FUNCTIONS = {**_WORKFLOW_FUNCTIONS, "contact": do_record_contact, **_LEADERSHIP_FUNCTIONS}


def do_case_action(user, case, action, **fields):
    """Dispatch a step by its action code (as the transition table and the pages name it)."""
    func = ACTION_FUNCTIONS.get(action)
    if func is None:
        raise ActionError(_("未知的操作"))
    return func(user, case, **fields)
