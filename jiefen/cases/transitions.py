"""Every allowed step of the petition and dispute lifecycles (DESIGN.md §3), as one table.

The action that moves a case (actions.core.perform) and the page that offers buttons (case detail) both read
this table, so the two can never disagree. A row with `target=None` records something without changing state.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jiefen.org.models import Role

from .models import OPEN_STATUSES, Case, Status

PETITION, DISPUTE = Case.Kind.PETITION, Case.Kind.DISPUTE
BOTH = frozenset({PETITION, DISPUTE})
S = Status
LEADERSHIP = frozenset({Role.LEADER, Role.DIRECTOR})
UNIT_WORKERS = frozenset({Role.HANDLER, Role.MEDIATOR})
DESK = frozenset({Role.CLERK, Role.LEADER, Role.DIRECTOR})
OPEN_WORK = frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_HANDLING, S.MEDIATING, S.REVIEW_REQUESTED, S.REREVIEW_REQUESTED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    kinds: frozenset
    sources: frozenset
    target: str | None
    roles: frozenset
    # Handlers and mediators may act only on cases of their own unit (the responsible unit).
    unit_roles: frozenset = frozenset()
    # Which of the case's units a handler or mediator must belong to: "responsible" (the lead unit),
    # "pending" (the unit a case was handed to and has not signed for yet) or "involved" (either, or a co-handler).
    unit_scope: str = "responsible"
    # Whether the step moves the case's version (compare-and-swap); appends like notes do not.
    versioned: bool = True
    # Shown on the petitioner's tracking page.
    public: bool = True
    style: str = "primary"


TRANSITIONS = [
    # Intake decisions (duty leader or director): 受理 / 不予受理 / 转送.
    Transition("accept", _("受理"), BOTH, frozenset({S.REGISTERED}), S.ACCEPTED, LEADERSHIP),
    Transition("not_accept", _("不予受理"), BOTH, frozenset({S.REGISTERED}), S.NOT_ACCEPTED, LEADERSHIP, style="danger"),
    Transition(
        "forward", _("转送"), frozenset({PETITION}), frozenset({S.REGISTERED, S.ACCEPTED}), S.FORWARDED, LEADERSHIP,
        style="secondary",
    ),
    # 交办: to a unit (lead unit and co-handlers); for a dispute, to the mediators of a unit. 首办负责: the case
    # waits for the unit to sign for it (签收); until then whoever had it stays responsible. The unit may send
    # it back with a reason (退回) but has no way to close a case as "not ours".
    Transition(
        "assign", _("交办"), frozenset({PETITION}), frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_HANDLING}), S.ASSIGNED,
        LEADERSHIP,
    ),
    Transition(
        "assign", _("指派调解"), frozenset({DISPUTE}), frozenset({S.ACCEPTED, S.ASSIGNED, S.MEDIATING}), S.ASSIGNED,
        LEADERSHIP,
    ),
    Transition(
        "sign_for", _("签收"), frozenset({PETITION}), frozenset({S.ASSIGNED}), S.IN_HANDLING, frozenset(),
        unit_roles=UNIT_WORKERS, unit_scope="pending",
    ),
    Transition(
        "sign_for", _("签收"), frozenset({DISPUTE}), frozenset({S.ASSIGNED}), S.MEDIATING, frozenset(),
        unit_roles=UNIT_WORKERS, unit_scope="pending",
    ),
    Transition(
        "return_case", _("退回"), BOTH, frozenset({S.ASSIGNED}), S.ACCEPTED, frozenset(),
        unit_roles=UNIT_WORKERS, unit_scope="pending", style="danger",
    ),
    Transition(
        "return_case", _("退回"), BOTH, frozenset({S.IN_HANDLING, S.MEDIATING}), S.ACCEPTED, frozenset(),
        unit_roles=UNIT_WORKERS, style="danger",
    ),
    Transition(
        "recuse", _("回避"), BOTH, OPEN_WORK | {S.REGISTERED, S.REPLIED, S.REVIEW_DECIDED}, None,
        LEADERSHIP | {Role.CLERK}, unit_roles=UNIT_WORKERS, unit_scope="involved", versioned=False, public=False,
        style="secondary",
    ),
    # Handling.
    Transition(
        "note", _("办理记录"), BOTH, OPEN_WORK | {S.REGISTERED, S.REPLIED, S.REVIEW_DECIDED},
        None, LEADERSHIP | {Role.CLERK}, unit_roles=UNIT_WORKERS, unit_scope="involved", versioned=False, public=False,
        style="secondary",
    ),
    Transition(
        "document", _("上传材料"), BOTH, OPEN_WORK | {S.REGISTERED, S.REPLIED, S.REVIEW_DECIDED, S.AGREED, S.REFERRED},
        None, LEADERSHIP | {Role.CLERK}, unit_roles=UNIT_WORKERS, unit_scope="involved", versioned=False, public=False,
        style="secondary",
    ),
    Transition(
        "extend", _("延长办理期限"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), None, LEADERSHIP,
        unit_roles=frozenset({Role.HANDLER}), style="secondary",
    ),
    Transition(
        "reply", _("出具处理意见"), frozenset({PETITION}), frozenset({S.IN_HANDLING}), S.REPLIED, LEADERSHIP,
        unit_roles=frozenset({Role.HANDLER}),
    ),
    # Review (复查) and re-review (复核), recorded by the centre.
    Transition("request_review", _("登记复查申请"), frozenset({PETITION}), frozenset({S.REPLIED, S.CLOSED}), S.REVIEW_REQUESTED, DESK, style="secondary"),
    Transition("decide_review", _("登记复查意见"), frozenset({PETITION}), frozenset({S.REVIEW_REQUESTED}), S.REVIEW_DECIDED, LEADERSHIP),
    Transition(
        "request_rereview", _("登记复核申请"), frozenset({PETITION}), frozenset({S.REVIEW_DECIDED, S.CLOSED}),
        S.REREVIEW_REQUESTED, DESK, style="secondary",
    ),
    Transition("start_hearing", _("举行听证"), frozenset({PETITION}), frozenset({S.REREVIEW_REQUESTED}), None, LEADERSHIP, style="secondary"),
    Transition("end_hearing", _("听证结束"), frozenset({PETITION}), frozenset({S.REREVIEW_REQUESTED}), None, LEADERSHIP, style="secondary"),
    Transition("decide_rereview", _("登记复核意见（终结）"), frozenset({PETITION}), frozenset({S.REREVIEW_REQUESTED}), S.FINAL, LEADERSHIP),
    # Mediation of disputes.
    Transition(
        "mediation_session", _("调解记录"), frozenset({DISPUTE}), frozenset({S.MEDIATING}), None, LEADERSHIP,
        unit_roles=UNIT_WORKERS, versioned=False, style="secondary",
    ),
    Transition("agree", _("达成调解协议"), frozenset({DISPUTE}), frozenset({S.MEDIATING}), S.AGREED, LEADERSHIP, unit_roles=UNIT_WORKERS),
    Transition(
        "mediation_failed", _("调解不成"), frozenset({DISPUTE}), frozenset({S.MEDIATING}), S.MEDIATION_FAILED, LEADERSHIP,
        unit_roles=UNIT_WORKERS, style="danger",
    ),
    Transition("refer", _("导入诉讼、仲裁等途径"), frozenset({DISPUTE}), frozenset({S.MEDIATION_FAILED}), S.REFERRED, LEADERSHIP, unit_roles=UNIT_WORKERS),
    # 协议履行回访: whether the agreement is kept, also after closure. A record: no state change, no version.
    Transition(
        "agreement_follow_up", _("协议履行回访"), frozenset({DISPUTE}), frozenset({S.AGREED, S.CLOSED}), None,
        LEADERSHIP, unit_roles=UNIT_WORKERS, versioned=False, public=False, style="secondary",
    ),
    # Closure.
    Transition("close", _("办结"), frozenset({PETITION}), frozenset({S.REPLIED, S.REVIEW_DECIDED}), S.CLOSED, LEADERSHIP, unit_roles=frozenset({Role.HANDLER})),
    Transition("close", _("办结"), frozenset({DISPUTE}), frozenset({S.AGREED, S.REFERRED}), S.CLOSED, LEADERSHIP, unit_roles=UNIT_WORKERS),
    # Satisfaction (满意度) once there is an answer to rate: from the portal (through the centre's service
    # account) or a staff follow-up call (回访). Changes no state and leaves the version alone.
    Transition(
        "satisfaction", _("满意度回访"), BOTH,
        frozenset({S.REPLIED, S.REVIEW_DECIDED, S.FINAL, S.CLOSED, S.AGREED, S.REFERRED}), None, DESK,
        versioned=False, style="secondary",
    ),
    # 更正属地: the matter belongs to another village than registered; the figures move with it.
    Transition(
        "correct_place", _("更正属地"), BOTH, frozenset(Status), None, DESK, public=False, style="secondary",
    ),
    # A later visit, letter or call on the same matter: a new contact, never a new case.
    Transition("contact", _("登记来访（来电）"), BOTH, frozenset(Status), None, DESK, versioned=False, public=False, style="secondary"),
    # ---- Leadership (jiefen.leadership): owning leaders (包案) and the "1211" hard-case mechanism. ----
    # Internal records on an open case; none changes its state. Appends leave the version alone so they never
    # race a workflow step; designating moves it, so two leaders designating at once cannot both succeed.
    Transition(
        "assign_owner", _("确定包案领导"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP, versioned=False,
        public=False, style="secondary",
    ),
    Transition(
        "remove_owner", _("撤销包案领导"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP, versioned=False,
        public=False, style="danger",
    ),
    Transition(
        "designate_hard_case", _("列为疑难积案（1211）"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP,
        public=False, style="secondary",
    ),
    Transition(
        "add_task_force_member", _("添加专班成员"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP, versioned=False,
        public=False, style="secondary",
    ),
    Transition(
        "add_measure", _("添加稳控措施"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP, versioned=False,
        public=False, style="secondary",
    ),
    Transition(
        "review_measure", _("稳控措施回访"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP, versioned=False,
        public=False, style="secondary",
    ),
    # The unit handling the case gathers most of the dossier, so its staff may add to it too.
    Transition(
        "provide_dossier_item", _("补充案卷材料"), BOTH, frozenset(OPEN_STATUSES), None, LEADERSHIP | {Role.CLERK},
        unit_roles=UNIT_WORKERS, unit_scope="involved", versioned=False, public=False, style="secondary",
    ),
]

ACTIONS = sorted({t.action for t in TRANSITIONS})


def find(action, kind, status):
    """The row for `action` on a case of `kind` in `status`, or None if the step is not legal."""
    for t in TRANSITIONS:
        if t.action == action and kind in t.kinds and status in t.sources:
            return t
    return None


def label_for(action, kind):
    for t in TRANSITIONS:
        if t.action == action and kind in t.kinds:
            return t.label
    # A step of the other kind of case (e.g. 延长办理期限 tried on a dispute): still its name, never its code.
    for t in TRANSITIONS:
        if t.action == action:
            return t.label
    return action


def role_may(user, case, t):
    """Whether `user`'s role (and, for unit roles, unit) lets them take step `t` on `case`.

    Data scope was already applied by access.access_case; this adds the per-step rule.
    """
    if is_recused(user, case, t):
        return False
    if user.role in t.roles:
        return True
    if user.role in t.unit_roles and user.unit_id:
        # A grid's mediator works for the village the grid belongs to: cases are assigned to villages, not grids.
        unit = (user.unit.village or user.unit) if user.role == Role.MEDIATOR else user.unit
        return any(u.path.startswith(unit.path) for u in _units_for(case, t.unit_scope))
    return False


def _units_for(case, scope):
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


def available(user, case):
    """The steps this user may take on this case now, in table order, one per action."""
    seen, steps = set(), []
    for t in TRANSITIONS:
        if t.action in seen or case.kind not in t.kinds or case.status not in t.sources:
            continue
        if role_may(user, case, t):
            seen.add(t.action)
            steps.append(t)
    return steps
