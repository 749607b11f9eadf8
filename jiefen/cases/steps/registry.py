"""The step registry: every workflow step of a case, declared once (STYLE.md §11).

A step is one `Step`: its code, its moves (label, kinds, source states, target, roles, unit scope, button style),
whether it moves the version, whether the citizen sees it, its form, its guards (why not now, in Chinese) and its
action. Everything else is derived from the registry: the transition table (`transitions()`), the case page's
buttons and the API's step list (`available()`), the API's input description (`describe()`) and the dispatch
(`dispatch()`). Steps are declared with the `@step(...)` decorator on their action, beside their form:
jiefen/cases/steps/*.py for the lifecycle, and apps above the core (jiefen.leadership) declare theirs the same way
when they load. tests/test_step_consistency.py walks every step × role × state and asserts that the page, the API
and the action agree.
"""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jiefen.org import authz
from jiefen.org.organs import handling_organ, on_jiefen, organ_above, organ_of, sits_in

from ..errors import ActionError, CaseChanged


class StepRefused(ActionError):
    """The step may not be taken here and now. `conflict` says why: True when the case's state (or a guard)
    does not allow it now (HTTP 409), False when this user may never take it on this case (HTTP 403)."""

    def __init__(self, message, *, conflict):
        super().__init__(message)
        self.conflict = conflict


@dataclass(frozen=True)
class Move:
    """One row of the transition table: on a case of one of `kinds` in one of `sources`, the step leads to
    `target` (None: it records something and leaves the state alone)."""

    label: str | Promise
    kinds: frozenset
    sources: frozenset
    target: str | None
    # Roles that may take the step on any case in their data scope.
    roles: frozenset = frozenset()
    # Handlers and mediators may take it only on cases of their own unit, as `unit_scope` says which unit:
    # "responsible" (the lead unit), "pending" (the unit a case was handed to and has not signed for yet) or
    # "involved" (either, or a co-handler), or "organ_head" (the head of the unit handling it, where that unit is
    # an organ of its own: jiefen.org.organs).
    unit_roles: frozenset = frozenset()
    # Steps of an organ above the township (ORGAN_SCOPES): "sender" (the organ that handed the item down reviews
    # its report), "review_organ" and "rereview_organ" (the organs that decide 复查 and 复核). `roles` of that organ
    # take the step when it is on jiefen; when it is not, the township's desk records its paper decision, unless
    # `organ_only` (nothing to record from paper: the step is the organ's own act on jiefen).
    organ_scope: str = ""
    organ_only: bool = False
    # The township's desk may take it too where the organ is on jiefen (a 复查 request handed in at the township).
    centre_too: bool = False
    unit_scope: str = "responsible"
    style: str = "primary"


@dataclass(eq=False)
class Step:
    code: str
    moves: tuple[Move, ...]
    form: type
    action: Callable[..., Any]
    # Whether the step moves the case's version (compare-and-swap); appends like notes do not.
    versioned: bool = True
    # Shown on the petitioner's tracking page.
    public: bool = True
    # Each is called with the case and returns why the step cannot be taken now (Chinese), or None. A step
    # whose guard speaks is neither offered on the page nor listed by the API, and its action refuses it.
    guards: list[Callable[[Any], str | None]] = field(default_factory=list)
    # Refusals judged when the step is submitted, after its fields (apps above the core add theirs: "1211" on
    # 办结); the step stays offered so the person learns what is missing from the answer.
    checks: list[Callable[[Any], str | None]] = field(default_factory=list)
    # Where the case page shows the step: "" is the 办理 panel; an app's section shows its own.
    section: str = ""
    # Offered through the JSON API (steps that take files are taken on the page).
    api: bool = True

    def move_for(self, kind, status):
        for move in self.moves:
            if kind in move.kinds and status in move.sources:
                return move
        return None

    def label_for(self, kind):
        for move in self.moves:
            if kind in move.kinds:
                return move.label
        return self.moves[0].label  # a step of the other kind of case: still its name, never its code

    def why_not(self, case):
        """The first guard's reason why the step cannot be taken on `case` now, or None."""
        for guard in self.guards:
            if reason := guard(case):
                return reason
        return None

    def build_form(self, case, user, data=None, files=None, *, prefix=None):
        """The step's form for `case`; it carries the version the person saw only when the step moves it."""
        form = self.form(data, files, case=case, user=user, prefix=prefix)
        if not self.versioned:
            form.fields.pop("expected_version", None)
        return form


@dataclass(frozen=True)
class Transition:
    """A step and one of its moves: a row of the transition table as the page, the API and the tests read it."""

    step: Step
    move: Move

    action = property(lambda self: self.step.code)
    label = property(lambda self: self.move.label)
    kinds = property(lambda self: self.move.kinds)
    sources = property(lambda self: self.move.sources)
    target = property(lambda self: self.move.target)
    roles = property(lambda self: self.move.roles)
    unit_roles = property(lambda self: self.move.unit_roles)
    unit_scope = property(lambda self: self.move.unit_scope)
    organ_scope = property(lambda self: self.move.organ_scope)
    style = property(lambda self: self.move.style)
    versioned = property(lambda self: self.step.versioned)
    public = property(lambda self: self.step.public)
    section = property(lambda self: self.step.section)


_STEPS: dict[str, Step] = {}


def register(new: Step) -> Step:
    """Add a step; registering the same code twice is a mistake unless it is the same action (a module reloaded)."""
    known = _STEPS.get(new.code)
    if known is not None and (known.action.__module__, known.action.__qualname__) != (
        new.action.__module__, new.action.__qualname__,
    ):
        raise ValueError(f"step {new.code!r} is declared twice")
    _STEPS[new.code] = new
    return new


@dataclass(frozen=True)
class Taking:
    """The step being taken right now, once checked: its row of the table and the version the person saw."""

    transition: Transition
    expected_version: int | None

    @property
    def action(self):
        return self.transition.action


_taking: ContextVar[Taking | None] = ContextVar("jiefen_step_taking", default=None)


def taking():
    """The step whose action is running (set by `step`; read by steps.perform and the shared helpers)."""
    current = _taking.get()
    if current is None:
        raise RuntimeError("perform() is called only from a step's action (see registry.step)")
    return current


def step(code, *, moves, form, versioned=True, public=True, guards=(), section="", api=True):
    """Declare the decorated function as the action of step `code`, and register the step.

    The action runs in one transaction. Before any of its fields are judged (a refused user learns nothing about
    the form), the version the person saw is compared (stale: CaseChanged) and the step is checked once
    (`check`: state, role, guards). Every action takes `expected_version`; it is kept with the step being taken,
    and `perform` swaps it for the next one when the step moves the version. The action itself names neither.
    """

    def decorate(func):
        @functools.wraps(func)
        def action(user, case, *args, expected_version=None, **kwargs):
            with transaction.atomic():
                if expected_version is not None and int(expected_version) != case.version:
                    raise CaseChanged()  # someone acted since this person loaded the page
                token = _taking.set(Taking(check(user, case, code), expected_version))
                try:
                    return func(user, case, *args, **kwargs)
                finally:
                    _taking.reset(token)

        register(Step(
            code=code, moves=tuple(moves), form=form, action=action, versioned=versioned, public=public,
            guards=list(guards), section=section, api=api,
        ))
        return action

    return decorate


def add_check(code, check_):
    """An app above the core adds a refusal judged when step `code` is submitted."""
    if check_ not in _STEPS[code].checks:
        _STEPS[code].checks.append(check_)


def steps():
    """Every registered step, in the order the page shows them."""
    return list(_STEPS.values())


def get(code):
    """The step `code`, or None."""
    return _STEPS.get(code)


def codes():
    return sorted(_STEPS)


def transitions():
    """The transition table: every (step, move), in declaration order."""
    return [Transition(s, m) for s in _STEPS.values() for m in s.moves]


def find(code, kind, status):
    """The row for step `code` on a case of `kind` in `status`, or None if the step is not legal there."""
    declared = _STEPS.get(code)
    move = declared.move_for(kind, status) if declared else None
    return Transition(declared, move) if move else None


def label_for(code, kind):
    declared = _STEPS.get(code)
    return declared.label_for(kind) if declared else code


def role_may(user, case, t):
    """Whether `user`'s role (and, for unit roles, unit) lets them take step `t` on `case`.

    Data scope was already applied by access.access_case; this adds the per-step rule.
    """
    if is_recused(user, case, t):
        return False
    scope = authz.scope_of(user)
    if t.move.organ_scope:
        return _organ_may(user, case, t, scope)
    if authz.in_roles(user, t.roles):
        # Staff posted above the township act on a township's case only through the organ steps above.
        if scope.county_wide:
            return False
        # A matter handled by an organ of its own (a unit with its own seal): its head, not the township's
        # leadership, is 本机关负责人.
        return not (t.unit_scope == "organ_head" and _units_for(case, "organ_head"))
    if authz.in_roles(user, t.unit_roles) and user.unit_id:
        if t.unit_scope == "organ_head" and not user.is_unit_head:
            return False
        # A grid's mediator works for the village the grid belongs to: cases are assigned to villages, not grids.
        unit = scope.village or scope.unit
        if unit is None:
            return False
        return any(u.path.startswith(unit.path) for u in _units_for(case, t.unit_scope))
    return False


def acting_organ(case, organ_scope):
    """The organ whose step a move of `organ_scope` is on `case`: the sender of the item handed down, or the organ
    that decides its 复查 (one level above the handling organ) or 复核 (two levels); None if there is none."""
    if organ_scope == "sender":
        handover = getattr(case, "handover", None) if case.pk else None
        return organ_of(handover.from_unit) if handover is not None else None
    organ = handling_organ(case)
    for _level in range(ORGAN_SCOPES[organ_scope]):
        organ = organ_above(organ) if organ is not None else None
    return organ


# Organ scopes and how many levels above the handling organ each one's organ is ("sender": the item's sender).
ORGAN_SCOPES = {"sender": 0, "review_organ": 1, "rereview_organ": 2}


def _organ_may(user, case, t, scope):
    if not authz.in_roles(user, t.roles):
        return False
    known = case.__dict__.setdefault("_acting_organs", {})  # per case instance, like the recusals below
    if t.move.organ_scope not in known:
        organ = acting_organ(case, t.move.organ_scope)
        known[t.move.organ_scope] = (organ, organ is not None and on_jiefen(organ))
    organ, on_system = known[t.move.organ_scope]
    if on_system:
        return sits_in(user, organ.unit) or (t.move.centre_too and not scope.county_wide)
    # Not on jiefen: the township's desk records what the organ decided on paper.
    return not t.move.organ_only and not scope.county_wide


def _units_for(case, scope):
    if scope == "organ_head":
        organ = handling_organ(case)
        return [] if organ.unit.pk == case.centre_id else [organ.unit]
    if scope == "pending":
        return [case.pending_unit] if case.pending_unit_id else []
    units = [case.responsible_unit] if case.responsible_unit_id else []
    if scope == "involved":
        if case.pending_unit_id:
            units.append(case.pending_unit)
        if not hasattr(case, "_co_units"):
            case._co_units = list(case.co_units.all())
        units.extend(case._co_units)
    return units


def is_recused(user, case, t=None):
    """Whether `user` declared (or was declared) to stay out of `case`; they may still record their own recusal."""
    if t is not None and t.action == "recuse":
        return False
    if not hasattr(case, "_recused_ids"):
        case._recused_ids = set(case.recusals.values_list("user_id", flat=True))
    return user.pk in case._recused_ids


def forget(case):
    """Drop the per-instance caches of role_may (recusals, co-handlers) after a step changed them."""
    case.__dict__.pop("_recused_ids", None)
    case.__dict__.pop("_co_units", None)
    case.__dict__.pop("_acting_organs", None)


def check(user, case, code):
    """The row for step `code` if `user` may take it on `case` now; else StepRefused saying why.

    The one check behind the page's buttons, the API's list and the action: state, then role, then guards.
    """
    declared = _STEPS.get(code)
    if declared is None:
        raise StepRefused(_("未知的操作"), conflict=False)
    move = declared.move_for(case.kind, case.status)
    if move is None:
        raise StepRefused(
            _("案件当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": case.get_status_display(), "action": declared.label_for(case.kind)},
            conflict=True,
        )
    t = Transition(declared, move)
    if authz.is_read_only(user) or not role_may(user, case, t):
        raise StepRefused(_("您的角色无权对本案执行“%(action)s”") % {"action": move.label}, conflict=False)
    if reason := declared.why_not(case):
        raise StepRefused(reason, conflict=True)
    return t


def available(user, case, *, api=False):
    """The steps `user` may take on `case` now, in table order: what the page offers and the API lists."""
    if authz.is_read_only(user):
        return []
    offered = []
    for declared in _STEPS.values():
        if api and not declared.api:
            continue
        move = declared.move_for(case.kind, case.status)
        if move is None:
            continue
        t = Transition(declared, move)
        if role_may(user, case, t) and declared.why_not(case) is None:
            offered.append(t)
    return offered


def dispatch(user, case, code, **fields):
    """Take step `code` with its fields (as its form cleans them)."""
    declared = _STEPS.get(code)
    if declared is None:
        raise StepRefused(_("未知的操作"), conflict=False)
    return declared.action(user, case, **fields)


def run_checks(case, code):
    """The submit-time refusals apps above the core added to step `code` (see Step.checks)."""
    for check_ in _STEPS[code].checks:
        if reason := check_(case):
            raise ActionError(reason)


def describe(declared):
    """The step's input as the API documents it: one entry per field of its form, derived from the form."""
    form = declared.form.base_fields
    fields = []
    for name, form_field in form.items():
        if name == "expected_version" and not declared.versioned:
            continue
        fields.append(
            {
                "name": name,
                "label": str(form_field.label or name),
                "type": _json_type(form_field),
                "required": bool(form_field.required),
                "choices": [str(value) for value, _label in getattr(form_field, "choices", [])]
                if _has_fixed_choices(form_field)
                else [],
                "help": str(form_field.help_text or ""),
            }
        )
    return fields


def _has_fixed_choices(form_field):
    from django import forms

    return isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField)


def _json_type(form_field):
    from django import forms

    if isinstance(form_field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return "array"
    if isinstance(form_field, forms.ModelChoiceField):
        return "integer"
    if isinstance(form_field, forms.IntegerField):
        return "integer"
    if isinstance(form_field, forms.BooleanField):
        return "boolean"
    if isinstance(form_field, forms.DateField):
        return "date"
    if isinstance(form_field, forms.FileField):
        return "file"
    return "string"
