"""The workflow steps of a case, each declared once with its form, guards and action (registry.py says how).

One module per stage of the lifecycle; importing this package registers their steps, stage by stage, in the order
the case page shows their buttons. Apps above the core declare their own steps when they load
(jiefen.leadership.steps). `from jiefen.cases.steps import do_accept_case` reaches a step's action in its module.
"""

import importlib

from .registry import StepRefused, available, check, dispatch, find, label_for

STAGES = ("decisions", "handling", "review", "mediation", "closing", "service", "upper")
_stages = [importlib.import_module(f"{__name__}.{stage}") for stage in STAGES]

__all__ = ["STAGES", "StepRefused", "available", "check", "dispatch", "find", "label_for"]


def __getattr__(name: str):
    """An action (or a helper) of one of the stages, by name."""
    for stage in _stages:
        if hasattr(stage, name):
            return getattr(stage, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
