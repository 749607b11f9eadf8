"""The one write path for cases (DESIGN.md §4): views, API, commands and tests call these and nothing else.

Registration is here (intake.py); every later step is declared in the step registry (jiefen.cases.steps) with its
form and guards, and taken through `do_case_action` or its own `do_*` function there.
"""

from ..errors import ActionError, CaseChanged
from ..steps import do_record_contact, registry
from .clocks import do_recompute_deadlines
from .handover import do_hand_down
from .intake import do_register_case

__all__ = [
    "ActionError", "CaseChanged", "do_case_action", "do_hand_down", "do_recompute_deadlines", "do_record_contact",
    "do_register_case",
]


def do_case_action(user, case, action, **fields):
    """Take a step by its code (as the registry and the pages name it)."""
    return registry.dispatch(user, case, action, **fields)

