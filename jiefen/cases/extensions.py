"""Where the apps above the core plug into it (STYLE.md §13: dependencies point down).

The core (jiefen.cases) imports none of leadership, grid, notify, figures, duty, routing or portal. Each of them
registers what it adds in its AppConfig.ready(): its steps (jiefen.cases.steps.registry), and the hooks below.
Every hook list is empty in a project without that app, and the core then simply does without.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseChangeHook:
    """Called around every change of a case, inside its transaction: `before(case)` returns a token that
    `after(case, token)` receives once the change is written (the figures keep their daily counts this way)."""

    before: Callable[[Any], Any]
    after: Callable[[Any, Any], None]


# Around every change of a case (jiefen.figures keeps its daily aggregates in the same transaction).
case_change_hooks: list[CaseChangeHook] = []

# Intake defaults: each is called with (centre, channel, received_at) and returns a dict of defaults for the fields
# the clerk left empty (jiefen.duty: a walk-in is received by the leader on duty that day).
intake_defaults: list[Callable[..., dict]] = []

# Sections of the case page: each is called with (user, case, steps) and returns (steps it leaves to the page,
# {"template": ..., "context": ..., "slot": ...} or None); slot "facts" puts it among the case's facts, else it is a
# card of its own. jiefen.leadership shows 包案 and "1211" this way, jiefen.grid the dispute's ledger row.
case_page_sections: list[Callable[..., tuple]] = []

# Panels of the desk: each is called with (user) and returns {"template": ..., "context": ...} or None
# (jiefen.portal: online petitions awaiting a decision).
desk_panels: list[Callable[..., dict | None]] = []

# Routing proposal for a case: called with (case), returns an object with `unit`, `reason` and `forward`, or None
# (jiefen.routing: 属地管理、分级负责). The first registered one answers.
route_proposers: list[Callable[..., Any]] = []


# Narrowings of the case list that only an app above the core can express, by name: each is called with
# (queryset, value) and returns the narrowed queryset. The figures' drill-down links use them
# (jiefen.grid: "ledger" with a (start, end) period of the ledger; jiefen.leadership: "hard" cases).
case_narrowings: dict[str, Callable[[Any, Any], Any]] = {}


def narrow(queryset, name, value):
    """`queryset` narrowed by the app that registered `name`; nothing matches where no app did."""
    narrowing = case_narrowings.get(name)
    return narrowing(queryset, value) if narrowing else queryset.none()


# When the accused unit of an accusation changes: each is called with (case, side) inside the step's transaction,
# `side` a Q on Unit for the new accused side (access.accused_side_q), and returns how many things of that side it
# withdrew (jiefen.notify: the case's notifications to people there).
accused_side_hooks: list[Callable[[Any, Any], int]] = []


def propose_route(case):
    """What the routing rules propose for `case`, or None where no routing app is installed."""
    for propose in route_proposers:
        return propose(case)
    return None


# Telling a member of staff something that is not a step of a case (a meeting's decision they answer for): each is
# called with (recipient, title, link, dedupe_key) (jiefen.notify: in the app and through the outbox, once per key).
staff_tellers: list[Callable[..., Any]] = []


def tell_staff(recipient, title, *, link="", dedupe_key=None):
    """Tell `recipient` through the app that delivers notifications, if one is installed."""
    for teller in staff_tellers:
        teller(recipient, title, link, dedupe_key)


def register_once(hooks: list, hook) -> None:
    """Append `hook` unless it is there already (ready() may run twice in tests)."""
    if hook not in hooks:
        hooks.append(hook)


# The register of people who mediate (排查调解力量): called with (case), returns a queryset of them for a mediation
# session's form (jiefen.grid's Visitor; each has `centre_id` and `name`). The first registered one answers.
mediator_registers: list[Callable[..., Any]] = []


def mediator_register(case):
    """The people of the centre's register who may be named as mediators of `case`, or None without a register."""
    for register in mediator_registers:
        return register(case)
    return None
