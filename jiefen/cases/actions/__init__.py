"""The one write path for cases (DESIGN.md §4): views, API, commands and tests call these and nothing else."""

from .core import ActionError, CaseChanged  # noqa: F401
from .intake import do_record_contact, do_register_case  # noqa: F401
from .workflow import do_case_action  # noqa: F401
