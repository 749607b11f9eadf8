"""Cases through the API: list, read, create, add a contact, take a workflow step; the reference lists; figures."""

import contextlib
import dataclasses
import datetime as dt
import decimal
import json
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from ninja import Header, Query, Router
from ninja import Status as Reply

from jiefen.cases import access, queries
from jiefen.cases.actions import ActionError, do_case_action, do_record_contact, do_register_case
from jiefen.cases.actions.intake import Intake
from jiefen.cases.filters import CaseFilter
from jiefen.cases.models import Case, Category, Channel, Status
from jiefen.cases.personal import mask_id_number, mask_name, mask_phone
from jiefen.cases.steps import registry
from jiefen.org import authz
from jiefen.org.models import Unit
from jiefen.portal.actions import register_once
from jiefen.portal.models import Submission

from .api import StepConflict, need
from .filters import filter_values, query_schema
from .models import Scope
from .schemas import (
    ERRORS,
    ActionIn,
    CaseCreated,
    CaseDetail,
    CaseIn,
    CaseList,
    ContactIn,
    Figures,
    Reference,
    StepDefinition,
)

router = Router(tags=["案件"])

# Ids and numbers beyond a database integer are refused (400) before they reach a query.
MAX_ID = 2**53

# The steps the API takes: every registered one but those that take files (taken on the case page) and contacts
# (their own endpoint); see Step.api.
StepCode = Literal[tuple(sorted(s.code for s in registry.steps() if s.api))]
CHANNEL_PATTERN = "^(|" + "|".join(Channel.values) + ")$"


def summary_of(row):
    """A CaseSummary from a case list row (queries.LIST_COLUMNS values)."""
    return {
        "number": row["number"], "kind": row["kind"], "channel": row["channel"], "legal_class": row["legal_class"],
        "status": row["status"], "category": row["category__name"], "village": row["village__name"],
        "centre": row["centre__name"], "responsible_unit": row["responsible_unit__name"],
        "pending_unit": row["pending_unit__name"], "request": row["request"], "received_at": row["received_at"],
        "next_due_on": row["next_due_on"], "contact_count": row["contact_count"], "person_times": row["person_times"],
        "kind_label": str(_label("kind", row["kind"])), "channel_label": str(Channel(row["channel"]).label),
        "status_label": str(Status(row["status"]).label),
    }


def _label(field, value):
    return dict(Case._meta.get_field(field).choices).get(value, value)


def detail_of(user, case):
    page = queries.case_page(case)
    visible = access.may_see_identity(user, case)
    return {
        **summary_of(
            {
                **{
                    f: getattr(case, f)
                    for f in (
                        "number",
                        "kind",
                        "channel",
                        "legal_class",
                        "status",
                        "request",
                        "received_at",
                        "next_due_on",
                        "contact_count",
                        "person_times",
                    )
                },
                "category__name": case.category.name,
                "village__name": case.village.name if case.village_id else None,
                "centre__name": case.centre.name,
                "responsible_unit__name": case.responsible_unit.name if case.responsible_unit_id else None,
                "pending_unit__name": case.pending_unit.name if case.pending_unit_id else None,
            }
        ),
        "version": case.version,
        "facts": case.facts,
        "accepted_on": case.accepted_on,
        "reply_outcome": case.reply_outcome,
        "reply_served_on": case.reply_served_on,
        "closed_at": case.closed_at,
        "resolved": case.resolved,
        "satisfaction": case.satisfaction,
        "parties": [
            {
                "role": p.role,
                "name": p.name if visible else mask_name(p.name),
                "id_number": mask_id_number(p.id_number) if visible else "",
                "phone": mask_phone(p.phone) if visible else "",
            }
            for p in page["parties"]
        ],
        "deadlines": [
            {
                "rule": d.rule.code,
                "name": d.rule.name,
                "state": d.state,
                "started_on": d.started_on,
                "due_on": d.due_on,
                "finished_on": d.finished_on,
                "explanation": d.explanation,
            }
            for d in page["deadlines"]
        ],
        "events": [
            {
                "kind": e.kind,
                "at": e.at,
                "summary": e.summary,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "public": e.public,
                "unit": e.actor.unit.name if e.actor_id and e.actor.unit_id else None,
            }
            for e in page["events"]
        ],
        "allowed_actions": [
            {"action": t.action, "label": str(t.label)} for t in registry.available(user, case, api=True)
        ],
    }


# The list's query is the case list page's filters (jiefen.cases.filters.CaseFilter): same names, same choices.
CaseQuery = query_schema(CaseFilter, max_id=MAX_ID)


@router.get("/cases", response={200: CaseList, **ERRORS}, summary="案件列表（令牌账号的数据范围）")
def list_cases(
    request,
    filters: Query[CaseQuery],
    page: int = Query(1, ge=1, le=100000),
    page_size: int = Query(25, ge=1, le=100),
):
    need(request, Scope.READ)
    rows = queries.case_list(request.auth.user, **filter_values(filters))
    offset = (page - 1) * page_size
    return {
        "count": rows.count(), "page": page, "page_size": page_size,
        "results": [summary_of(r) for r in rows[offset:offset + page_size]],
    }


@router.get("/cases/{number}", response={200: CaseDetail, **ERRORS}, summary="读取一个案件")
def read_case(request, number: str):
    need(request, Scope.READ)
    user = request.auth.user
    return detail_of(user, access.access_case(user, number))


@router.post("/cases", response={200: CaseCreated, 201: CaseCreated, **ERRORS}, summary="登记案件")
def create_case(request, payload: CaseIn, idempotency_key: str = Header("", alias="Idempotency-Key", max_length=40)):
    """Register a case as the token's account. With an Idempotency-Key, sending the same request again returns
    the case of the first (200) instead of opening another (201)."""
    need(request, Scope.CREATE)
    user = request.auth.user
    if authz.scope_of(user).read_only:
        raise PermissionDenied("县级督办账号只读，不能登记案件")
    intake = _intake(user, payload)

    def register(remember=None):
        case = do_register_case(user, intake)
        if remember:
            remember(case)
        return case

    if idempotency_key.strip():
        key = f"api:{request.auth.pk}:{idempotency_key.strip()}"  # one client's keys never meet another's
        case, created = register_once(key, Submission.Source.API, register)
    else:
        case, created = register(), True
    body = {"number": case.number, "query_code": case.query_code, "status": case.status, "created": created}
    return Reply(201 if created else 200, body)


def _intake(user, payload):
    """The payload as the one intake checks it (jiefen.cases.actions.intake): the API names the category and the
    village by name and code; every rule on them is the intake's."""
    category = Category.objects.filter(name=payload.category).first()
    if category is None:
        raise ActionError(f"没有名为“{payload.category}”的事项分类", field="category")
    village = None
    if payload.village:
        village = Unit.objects.filter(code=payload.village, kind=Unit.Kind.VILLAGE).first()
        if village is None:
            raise ActionError("村（社区）编码不存在或不属于本中心", field="village")
    accused_unit = None
    if payload.accused_unit:
        accused_unit = Unit.objects.filter(code=payload.accused_unit).first()
        if accused_unit is None:
            raise ActionError("被检举控告单位编码不存在", field="accused_unit")
    return Intake.build(
        user, kind=payload.kind, channel=payload.channel, legal_class=payload.legal_class, category=category,
        request=payload.request, facts=payload.facts, parties=[p.dict() for p in payload.parties], village=village,
        head_count=payload.head_count, identity_unknown=payload.identity_unknown, accused_unit=accused_unit,
    )


@router.post("/cases/{number}/contacts", response={200: CaseDetail, **ERRORS}, summary="登记再次来访（来电、来信）")
def add_contact(request, number: str, payload: ContactIn):
    need(request, Scope.CONTACT)
    user = request.auth.user
    case = access.access_case(user, number, write=True)
    with refusals_as_http():
        do_record_contact(user, case, channel=payload.channel, head_count=payload.head_count, note=payload.note)
    return detail_of(user, access.access_case(user, number))


@router.post("/cases/{number}/actions/{action}", response={200: CaseDetail, **ERRORS}, summary="办理操作")
def take_step(request, number: str, action: StepCode, payload: ActionIn):
    """Take workflow step `action` (see allowed_actions of the case, and /steps for each step's fields), with the
    fields of that step's form on the case page; steps that change the version need `expected_version`."""
    need(request, Scope.ACT)
    user = request.auth.user
    case = access.access_case(user, number, write=True)
    declared = registry.get(action)
    # The step's own fields are not in the schema (extra="allow"): take them from the body ninja already parsed.
    data = {k: v for k, v in json.loads(request.body or b"{}").items() if v is not None}
    for name, value in data.items():
        if any(isinstance(v, int) and abs(v) > MAX_ID for v in (value if isinstance(value, list) else [value])):
            raise ActionError("数值超出范围", field=name)
    form = declared.build_form(case, user, data)
    with refusals_as_http():
        if not form.is_valid():
            # Judge the step before its fields: a refused account learns nothing about the form.
            registry.check(user, case, action)
            errors = [{"field": f, "message": m} for f, messages in form.errors.items() for m in messages]
            raise FormInvalid(errors)
        do_case_action(user, case, action, **form.action_kwargs())
    return detail_of(user, access.access_case(user, number))


@router.get("/steps", response={200: list[StepDefinition], **ERRORS}, summary="办理操作及其输入字段")
def list_steps(request):
    """Every step the API takes, with its moves (which kinds and states it applies to, where it leads) and its
    input fields, derived from the same registry and forms as the case page."""
    need(request, Scope.READ)
    return [
        {
            "action": s.code, "versioned": s.versioned, "public": s.public,
            "moves": [
                {"label": str(m.label), "kinds": sorted(m.kinds), "sources": sorted(m.sources), "target": m.target}
                for m in s.moves
            ],
            "fields": registry.describe(s),
        }
        for s in registry.steps() if s.api
    ]


@contextlib.contextmanager
def refusals_as_http():
    """A refused step as the case page answers it: 409 when the case's state (or a guard) does not allow it now,
    403 when this account may never take it on this case."""
    try:
        yield
    except registry.StepRefused as refused:
        if refused.conflict:
            raise StepConflict(refused.message) from None
        raise PermissionDenied(refused.message) from None


class FormInvalid(ActionError):
    def __init__(self, errors):
        super().__init__("；".join(f"{e['field']}：{e['message']}" for e in errors))
        self.errors = errors
        self.field = errors[0]["field"] if errors else None


@router.get("/reference", response={200: Reference, **ERRORS}, summary="事项分类、本中心的村（社区）和来源渠道")
def reference(request):
    need(request, Scope.READ)
    user = request.auth.user
    township = authz.scope_of(user).centre
    units = Unit.objects.filter(path__startswith=township.path) if township else Unit.objects.none()
    villages = units.filter(kind=Unit.Kind.VILLAGE).order_by("sort", "name")
    accusable = units.filter(kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.VILLAGE, Unit.Kind.GRID]).order_by("path")
    return {
        "categories": [{"code": str(c.pk), "name": c.name} for c in Category.objects.all()],
        "villages": [{"code": v.code, "name": v.name} for v in villages],
        "channels": [{"code": c.value, "name": str(c.label)} for c in Channel],
        "accusable_units": [{"code": u.code, "name": u.name} for u in accusable],
    }


@router.get("/figures", response={200: Figures, **ERRORS}, summary="统计数据（与统计页面相同的口径）")
def figures(
    request,
    start: dt.date,
    end: dt.date,
    village: int | None = Query(None, ge=1, le=MAX_ID),
    unit: int | None = Query(None, ge=1, le=MAX_ID),
    category: int | None = Query(None, ge=1, le=MAX_ID),
    channel: str = Query("", pattern=CHANNEL_PATTERN),
):
    need(request, Scope.FIGURES)
    if end < start:
        raise ActionError("结束日期不能早于开始日期", field="end")
    if (end - start).days > 3660:
        raise ActionError("统计区间不能超过十年", field="end")
    from jiefen.figures.queries import figures_for  # the figures app reads the API's callers' scope the same way

    data = figures_for(
        request.auth.user, start, end, village=village, unit=unit, category=category, channel=channel or None,
    )
    return {"start": start, "end": end, "figures": _plain(data)}


def _plain(value):
    """Figures as JSON: dataclasses and model rows to dicts, decimals to numbers, dates to ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)

