"""The one write path of the grid module (隐患摸排到位): households, the register of visitors and mediators,
household visits, the dispute ledger, campaigns and key people. Each action is one transaction with one audit
record; a dispute goes onto the ledger and becomes a case of the dispute lifecycle in the same transaction, through
the desk's own do_register_case, so it shows in the same lists, clocks and figures as every other case.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.actions import ActionError, do_register_case
from jiefen.cases.models import Case, Category, Channel, LegalClass
from jiefen.org import authz
from jiefen.org.models import Unit

from .access import units_q
from .models import (
    Campaign,
    DisputeKind,
    DisputeRecord,
    Finding,
    Household,
    HouseholdVisit,
    KeyPerson,
    KeyPersonVisit,
    RiskLevel,
    Visitor,
)

# The case category each kind of dispute is counted under in the centre's figures (jiefen.cases Category names).
CATEGORY_OF_KIND = {
    DisputeKind.LAND: "农村土地承包",
    DisputeKind.NEIGHBOUR: "邻里纠纷",
    DisputeKind.FAMILY: "婚姻家庭",
    DisputeKind.WAGES: "劳动工资",
    DisputeKind.CONSTRUCTION: "房屋拆迁",
    DisputeKind.PROPERTY: "民生服务",
}
# A dispute found on an earlier day counts as received at noon of that day (the clocks count whole days).
FOUND_AT = dt.time(12, 0)
MAX_MEMBERS = 99
MAX_INTERVAL_DAYS = 366


def _required(value, message, field):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(message, field=field)
    return value.strip() if isinstance(value, str) else value


def _not_future(day, label, field):
    day = _required(day, _("请填写%(label)s") % {"label": label}, field)
    if day > timezone.localdate():
        raise ActionError(_("%(label)s不能晚于今天") % {"label": label}, field=field)
    return day


def _centre(user, roles=authz.GRID_WRITE):
    if not authz.in_roles(user, roles):
        raise ActionError(_("您的角色不能进行此项操作"))
    centre = authz.scope_of(user).centre
    if centre is None:
        raise ActionError(_("您的账号未归属任何乡镇（街道）矛调中心"))
    return centre


def _check_grid(user, grid):
    grid = _required(grid, _("请选择网格"), "grid")
    if grid.kind != Unit.Kind.GRID or not _unit_in_scope(user, grid):
        raise ActionError(_("只能选择您负责范围内的网格"), field="grid")
    return grid


def _unit_in_scope(user, grid):
    """Whether `grid` is within what `user` may write to (a grid worker: their grid; a village: its grids)."""
    scope = authz.scope_of(user)
    if scope.local:
        own = scope.grid or scope.village
        return own is not None and grid.is_within(own)
    return scope.centre is not None and grid.is_within(scope.centre)


def _household_in_scope(user, household):
    return Household.objects.filter(units_q(user), pk=household.pk).exists()


def _check_household_fields(head_name, address, members):
    head_name = _required(head_name, _("请填写户主姓名"), "head_name")
    address = _required(address, _("请填写住址"), "address")
    if members is None or not 1 <= members <= MAX_MEMBERS:
        raise ActionError(_("家庭人口应在1至%(n)s人之间") % {"n": MAX_MEMBERS}, field="members")
    return head_name, address


def _duplicate_household(grid, head_name, address, exclude=None):
    same = Household.objects.filter(grid=grid, head_name=head_name, address=address)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ActionError(_("本网格已登记该户（户主和住址相同）"), field="head_name")


# ---------------------------------------------------------------------------------------------- households

@transaction.atomic
def do_add_household(user, *, grid, head_name, address, members=1, phone="", note=""):
    """Enter a household on a grid's register."""
    _centre(user)
    grid = _check_grid(user, grid)
    head_name, address = _check_household_fields(head_name, address, members)
    _duplicate_household(grid, head_name, address)
    village = grid.parent
    household = Household.objects.create(
        grid=grid, village=village, centre=village.township, head_name=head_name, address=address, members=members,
        phone=(phone or "").strip(), note=(note or "").strip(),
    )
    record(user, "household.add", household, grid=grid.pk)
    return household


@transaction.atomic
def do_update_household(user, household, *, head_name, address, members, phone="", note="", active=True, grid=None):
    """Correct a household's entry, move it to another grid of the user's scope, or take it off the register
    (在册: moved away, merged); its visits stay."""
    _centre(user)
    if not _household_in_scope(user, household):
        raise ActionError(_("该住户不在您的负责范围内"))
    grid = _check_grid(user, grid) if grid is not None else household.grid
    head_name, address = _check_household_fields(head_name, address, members)
    _duplicate_household(grid, head_name, address, exclude=household)
    fields = ("head_name", "address", "members", "phone", "note", "active", "grid_id")
    before = {f: getattr(household, f) for f in fields}
    changes = {
        "head_name": head_name,
        "address": address,
        "members": members,
        "phone": (phone or "").strip(),
        "note": (note or "").strip(),
        "active": bool(active),
        "grid_id": grid.pk,
        "village_id": grid.parent_id,
        "centre_id": grid.parent.township.pk,
    }
    Household.objects.filter(pk=household.pk).update(**changes)
    household.refresh_from_db()
    changed = sorted(f for f, v in before.items() if getattr(household, f) != v)
    record(user, "household.update", household, changed=changed)
    return household


# ------------------------------------------------------------------------------------------------ visitors

def _check_visitor_fields(user, centre, name, kind, grids, account):
    name = _required(name, _("请填写姓名"), "name")
    if kind not in Visitor.Kind.values:
        raise ActionError(_("请选择人员类别"), field="kind")
    for grid in grids:
        if grid.kind != Unit.Kind.GRID or not grid.is_within(centre):
            raise ActionError(_("负责网格须为本乡镇（街道）的网格"), field="grids")
    if account is not None and (account.unit_id is None or not account.unit.is_within(centre)):
        raise ActionError(_("系统账号须为本乡镇（街道）的工作人员"), field="account")
    return name


@transaction.atomic
def do_add_visitor(user, *, name, kind, phone="", grids=(), specialities="", account=None):
    """Enter someone on the register of visitors and mediators (排查调解力量)."""
    centre = _centre(user, authz.DESK)
    grids = list(grids or [])
    name = _check_visitor_fields(user, centre, name, kind, grids, account)
    phone = (phone or "").strip()
    if Visitor.objects.filter(centre=centre, name=name, phone=phone).exists():
        raise ActionError(_("登记册中已有同名同电话的人员"), field="name")
    if account is not None and Visitor.objects.filter(user=account).exists():
        raise ActionError(_("该系统账号已关联其他人员"), field="account")
    visitor = Visitor.objects.create(
        centre=centre, name=name, kind=kind, phone=phone, specialities=(specialities or "").strip(), user=account,
    )
    visitor.grids.set(grids)
    record(user, "visitor.add", visitor, kind=kind, grids=[g.pk for g in grids])
    return visitor


@transaction.atomic
def do_update_visitor(user, visitor, *, name, kind, phone="", grids=(), specialities="", account=None, active=True):
    centre = _centre(user, authz.DESK)
    if visitor.centre_id != centre.pk:
        raise ActionError(_("该人员不属于本中心"))
    grids = list(grids or [])
    name = _check_visitor_fields(user, centre, name, kind, grids, account)
    phone = (phone or "").strip()
    if Visitor.objects.filter(centre=centre, name=name, phone=phone).exclude(pk=visitor.pk).exists():
        raise ActionError(_("登记册中已有同名同电话的人员"), field="name")
    if account is not None and Visitor.objects.filter(user=account).exclude(pk=visitor.pk).exists():
        raise ActionError(_("该系统账号已关联其他人员"), field="account")
    Visitor.objects.filter(pk=visitor.pk).update(
        name=name, kind=kind, phone=phone, specialities=(specialities or "").strip(), user=account, active=bool(active),
    )
    visitor.refresh_from_db()
    visitor.grids.set(grids)
    record(user, "visitor.update", visitor, kind=kind, active=visitor.active, grids=[g.pk for g in grids])
    return visitor


def _check_visitor(centre, visitor, field="visitor", label=None):
    visitor = _required(visitor, label or _("请选择走访人"), field)
    if visitor.centre_id != centre.pk or not visitor.active:
        raise ActionError(_("所选人员不在本中心排查调解人员名册中"), field=field)
    return visitor


# -------------------------------------------------------------------------------------------------- visits

@transaction.atomic
def do_record_household_visit(user, *, household, visited_on, visitor, finding=Finding.NOTHING, note=""):
    """Record a household visit (入户走访). A dispute found goes onto the ledger with do_record_dispute."""
    centre = _centre(user)
    household = _required(household, _("请选择走访的住户"), "household")
    if not _household_in_scope(user, household):
        raise ActionError(_("该住户不在您的负责范围内"), field="household")
    if not household.active:
        raise ActionError(_("该住户已不在册"), field="household")
    visited_on = _not_future(visited_on, _("走访日期"), "visited_on")
    visitor = _check_visitor(centre, visitor)
    if finding not in Finding.values:
        raise ActionError(_("请选择走访情况"), field="finding")
    note = (note or "").strip()
    if finding != Finding.NOTHING and not note:
        raise ActionError(_("发现隐患或矛盾纠纷的，请简要记录情况"), field="note")
    visit = HouseholdVisit.objects.create(
        household=household, visited_on=visited_on, visitor=visitor, finding=finding, note=note, recorded_by=user,
        recorded_at=timezone.now(), grid_id=household.grid_id, village_id=household.village_id,
        centre_id=household.centre_id,
    )
    record(user, "household_visit.record", visit, household=household.pk, finding=finding)
    return visit


# --------------------------------------------------------------------------------------------- the ledger

def category_for(dispute_kind):
    """The case category a dispute of `dispute_kind` is counted under."""
    name = CATEGORY_OF_KIND.get(dispute_kind, "其他")
    categories = Category.objects.order_by("sort", "id")
    return categories.filter(name=name).first() or categories.filter(name="其他").first() or categories.first()


def found_at(day):
    """When a dispute found on `day` was received: now if today, else noon of that day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, FOUND_AT))


@transaction.atomic
def do_record_dispute(user, *, dispute_kind, risk_level, request, parties, found_on=None, visit=None, village=None,
                      mediator=None, facts="", head_count=1, received_at=None):
    """Put a dispute on the ledger (矛盾纠纷排查台账) and register it as a case of the dispute lifecycle (channel
    网格排查), in one step. `visit` is the household visit that found it; without one, a dispute reported otherwise
    in `village`. Returns the ledger row; its case is `.case`."""
    centre = _centre(user)
    if visit is not None:
        if not HouseholdVisit.objects.filter(units_q(user), pk=visit.pk).exists():
            raise ActionError(_("该走访记录不在您的负责范围内"))
        if visit.finding != Finding.DISPUTE:
            raise ActionError(_("该次走访未发现矛盾纠纷，不能据此登记纠纷"))
        if DisputeRecord.objects.filter(source_visit=visit).exists() or visit.case_id:
            raise ActionError(_("该次走访发现的纠纷已登记"))
        village = visit.village
        found_on = found_on or visit.visited_on
        if found_on < visit.visited_on:
            raise ActionError(_("排查日期不能早于走访日期"), field="found_on")
    else:
        village = _required(village, _("请选择纠纷所在村（社区）"), "village")
        scope = authz.scope_of(user)
        if scope.local and scope.village != village:
            raise ActionError(_("只能登记本村（社区）的矛盾纠纷"), field="village")
        found_on = found_on or timezone.localdate()
    found_on = _not_future(found_on, _("排查日期"), "found_on")
    if dispute_kind not in DisputeKind.values:
        raise ActionError(_("请选择纠纷类型"), field="dispute_kind")
    if risk_level not in RiskLevel.values:
        raise ActionError(_("请选择风险等级"), field="risk_level")
    if mediator is not None:
        mediator = _check_visitor(centre, mediator, "mediator")
    category = category_for(dispute_kind)
    if category is None:
        raise ActionError(_("系统未配置事项分类，请联系管理员"))
    # The case's own rules (the village of the centre, the parties, their ID numbers and phones) are the intake's.
    case = do_register_case(
        user, kind=Case.Kind.DISPUTE, channel=Channel.GRID, legal_class=LegalClass.DISPUTE, category=category,
        request=request, facts=facts, parties=[p for p in parties or [] if (p.get("name") or "").strip()],
        village=village, head_count=head_count, received_at=received_at or found_at(found_on),
    )
    entry = DisputeRecord.objects.create(
        case=case, dispute_kind=dispute_kind, risk_level=risk_level, mediator=mediator, found_on=found_on,
        source_visit=visit,
    )
    if visit is not None:
        HouseholdVisit.objects.filter(pk=visit.pk).update(case=case)
        visit.case = case
    record(user, "dispute.record", entry, case=case.number, visit=visit.pk if visit else None, risk=risk_level)
    return entry


# ----------------------------------------------------------------------------------------------- campaigns

@transaction.atomic
def do_create_campaign(user, *, name, starts_on, ends_on, villages, target_coverage=100, target_resolution=90,
                       description=""):
    """Start a campaign (大排查、大起底、大化解) over chosen villages of the centre, with its targets."""
    centre = _centre(user, authz.LEADERSHIP)
    name = _required(name, _("请填写专项行动名称"), "name")
    starts_on = _required(starts_on, _("请填写开始日期"), "starts_on")
    ends_on = _required(ends_on, _("请填写结束日期"), "ends_on")
    if ends_on < starts_on:
        raise ActionError(_("结束日期不能早于开始日期"), field="ends_on")
    if (ends_on - starts_on).days > MAX_INTERVAL_DAYS:
        raise ActionError(_("专项行动期限不超过一年"), field="ends_on")
    villages = list(villages or [])
    if not villages:
        raise ActionError(_("请至少选择一个村（社区）"), field="villages")
    if any(v.kind != Unit.Kind.VILLAGE or not v.is_within(centre) for v in villages):
        raise ActionError(_("只能选择本乡镇（街道）的村（社区）"), field="villages")
    for value, field in ((target_coverage, "target_coverage"), (target_resolution, "target_resolution")):
        if value is None or not 0 <= value <= 100:
            raise ActionError(_("目标应为0至100之间的百分数"), field=field)
    campaign = Campaign.objects.create(
        centre=centre, name=name, starts_on=starts_on, ends_on=ends_on, target_coverage=target_coverage,
        target_resolution=target_resolution, description=(description or "").strip(), created_by=user,
        created_at=timezone.now(),
    )
    campaign.villages.set(villages)
    record(user, "campaign.create", campaign, villages=[v.pk for v in villages])
    return campaign


# --------------------------------------------------------------------------------------------- key people

def _check_key_village(user, village):
    scope = authz.scope_of(user)
    if scope.local:
        return scope.village is not None and village.pk == scope.village.pk
    return village.is_within(scope.centre)


@transaction.atomic
def do_list_key_person(user, *, village, name, group, reason, household=None, phone="", interval_days=30,
                       responsible=None, listed_on=None):
    """Put someone on the key-group register (重点人群) with a visit plan: the first visit is due `interval_days`
    after listing."""
    centre = _centre(user, authz.LEADERSHIP)
    village = _required(village, _("请选择村（社区）"), "village")
    if village.kind != Unit.Kind.VILLAGE or not village.is_within(centre):
        raise ActionError(_("只能选择本乡镇（街道）的村（社区）"), field="village")
    name = _required(name, _("请填写姓名"), "name")
    if group not in KeyPerson.Group.values:
        raise ActionError(_("请选择人群类别"), field="group")
    reason = _required(reason, _("请填写列管原因"), "reason")
    if household is not None and household.village_id != village.pk:
        raise ActionError(_("所选住户不在该村（社区）"), field="household")
    if interval_days is None or not 1 <= interval_days <= MAX_INTERVAL_DAYS:
        raise ActionError(_("走访周期应在1至366天之间"), field="interval_days")
    if responsible is not None:
        responsible = _check_visitor(centre, responsible, "responsible")
    listed_on = _not_future(listed_on or timezone.localdate(), _("列管日期"), "listed_on")
    person = KeyPerson.objects.create(
        centre=centre, village=village, household=household, name=name, group=group, reason=reason,
        phone=(phone or "").strip(), interval_days=interval_days, responsible=responsible, listed_on=listed_on,
        next_visit_due=listed_on + dt.timedelta(days=interval_days),
    )
    record(user, "key_person.list", person, group=group, village=village.pk)
    return person


@transaction.atomic
def do_record_key_person_visit(user, person, *, visited_on, visitor, note):
    """Record a follow-up visit to a key person; the next one falls due `interval_days` after the latest visit."""
    centre = _centre(user, authz.KEY_GROUPS)
    if person.centre_id != centre.pk or not _check_key_village(user, person.village):
        raise ActionError(_("该人员不在您的负责范围内"))
    if not person.active:
        raise ActionError(_("该人员已解除列管"))
    visited_on = _not_future(visited_on, _("走访日期"), "visited_on")
    if visited_on < person.listed_on:
        raise ActionError(_("走访日期不能早于列管日期"), field="visited_on")
    visitor = _check_visitor(centre, visitor)
    note = _required(note, _("请填写走访情况"), "note")
    visit = KeyPersonVisit.objects.create(
        person=person, visited_on=visited_on, visitor=visitor, note=note, recorded_by=user, recorded_at=timezone.now(),
    )
    # A visit entered late (older than the last one) does not move the plan back.
    last = max(visited_on, person.last_visited_on or visited_on)
    KeyPerson.objects.filter(pk=person.pk).update(
        last_visited_on=last, next_visit_due=last + dt.timedelta(days=person.interval_days),
    )
    person.refresh_from_db(fields=["last_visited_on", "next_visit_due"])
    record(user, "key_person.visit", person, visit=visit.pk, next_due=person.next_visit_due.isoformat())
    return visit


@transaction.atomic
def do_unlist_key_person(user, person, *, reason):
    """Take someone off the key-group register (解除列管), with the reason; their visits stay."""
    centre = _centre(user, authz.LEADERSHIP)
    if person.centre_id != centre.pk:
        raise ActionError(_("该人员不在您的负责范围内"))
    if not person.active:
        raise ActionError(_("该人员已解除列管"))
    reason = _required(reason, _("请填写解除列管的原因"), "reason")
    KeyPerson.objects.filter(pk=person.pk).update(active=False)
    person.active = False
    record(user, "key_person.unlist", person, reason=reason)
    return person

