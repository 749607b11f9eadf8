"""An Open311 GeoReport v2 profile (https://wiki.open311.org/GeoReport_v2) for the livelihood matters (民生诉求).

services = the livelihood categories; a service request = a case of one of them. jiefen's states map onto
open/closed (closed: StatusGroup.CLOSED_TO_CITIZEN), with the state and the outcome in status_notes. Read and submit
only: the workflow stays with the centre. JSON only (the .json endpoints); errors in this API's own JSON shape.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Form, Query, Router, Schema
from ninja import Status as Reply

from jiefen.cases import access
from jiefen.cases.actions import ActionError, do_register_case
from jiefen.cases.actions.intake import Intake
from jiefen.cases.models import Case, Category, Channel, LegalClass, StatusGroup
from jiefen.org import authz
from jiefen.org.models import Unit

from .api import BearerToken, Open311Key, need
from .models import Scope
from .schemas import ERRORS, Service, ServiceRequest, ServiceRequestCreated

router = Router(tags=["Open311 GeoReport v2"], auth=[BearerToken(), Open311Key()])

# The livelihood subset (民生诉求) of the subject categories offered to outside service-request systems. Matters of
# land, demolition, accusations of cadres or litigation stay with the centre's own channels.
LIVELIHOOD = ["劳动工资", "社会保障", "环境保护", "城乡建设", "民生服务", "邻里纠纷", "山林水利"]
MAX_REQUESTS = 200


def livelihood_categories():
    return Category.objects.filter(name__in=LIVELIHOOD).order_by("sort", "id")


@router.get("/services.json", response={200: list[Service], **ERRORS}, summary="Open311：服务类型（民生诉求分类）")
def services(request):
    need(request, Scope.READ)
    return [
        {
            "service_code": str(c.pk), "service_name": c.name, "description": f"{c.name}方面的民生诉求",
            "metadata": False, "type": "realtime", "keywords": c.name, "group": "民生诉求",
        }
        for c in livelihood_categories()
    ]


def as_request(case):
    closed = case.status in StatusGroup.CLOSED_TO_CITIZEN
    notes = case.get_status_display()
    if case.reply_outcome:
        notes += f"；处理意见：{case.get_reply_outcome_display()}（{case.reply_served_on}送达）"
    if case.next_due_on and not closed:
        notes += f"；当前期限截止{case.next_due_on}"
    due = case.next_due_on
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": str(case.category_id),
        "description": case.request,
        "agency_responsible": (case.responsible_unit or case.centre).name,
        "service_notice": f"{case.centre.name}矛调中心",
        "requested_datetime": case.received_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": timezone.make_aware(dt.datetime.combine(due, dt.time(17, 0))) if due else None,
        "address": (case.village or case.centre).name,
    }


def _requests(user):
    return (
        access.cases_for(user).filter(category__name__in=LIVELIHOOD)
        .select_related("category", "centre", "village", "responsible_unit")
    )


@router.get("/requests.json", response={200: list[ServiceRequest], **ERRORS}, summary="Open311：服务请求列表")
def list_requests(
    request,
    service_request_id: str = Query("", max_length=400, description="逗号分隔的案件编号"),
    service_code: str = Query("", max_length=200, description="逗号分隔的服务类型代码"),
    start_date: dt.datetime | None = None,
    end_date: dt.datetime | None = None,
    status: str = Query("", pattern="^(|open|closed)$"),
):
    need(request, Scope.READ)
    rows = _requests(request.auth.user)
    if service_request_id:
        rows = rows.filter(number__in=[n.strip() for n in service_request_id.split(",") if n.strip()])
    if service_code:
        codes = [c.strip() for c in service_code.split(",") if c.strip().isdigit()]
        rows = rows.filter(category_id__in=codes)
    if start_date:
        rows = rows.filter(received_at__gte=start_date)
    if end_date:
        rows = rows.filter(received_at__lte=end_date)
    if status == "open":
        rows = rows.exclude(status__in=StatusGroup.CLOSED_TO_CITIZEN)
    elif status == "closed":
        rows = rows.filter(status__in=StatusGroup.CLOSED_TO_CITIZEN)
    return [as_request(c) for c in rows.order_by("-received_at", "-id")[:MAX_REQUESTS]]


@router.get("/requests/{service_request_id}.json", response={200: list[ServiceRequest], **ERRORS},
            summary="Open311：一个服务请求")
def read_request(request, service_request_id: str):
    need(request, Scope.READ)
    case = _requests(request.auth.user).filter(number=service_request_id).first()
    if case is None:
        raise Http404
    return [as_request(case)]


class RequestIn(Schema):
    service_code: str = Field(max_length=20)
    description: str = Field(min_length=1, max_length=2000)
    first_name: str = Field("", max_length=25)
    last_name: str = Field("", max_length=25)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=100)
    address_string: str = Field("", max_length=200, description="村（社区）名称或详细地址")
    device_id: str = Field("", max_length=100)
    account_id: str = Field("", max_length=100)
    lat: float | None = None
    long: float | None = None


# The Open311 parameter behind each field of the intake (jiefen.cases.actions.intake.Intake).
INTAKE_PARAMETERS = {
    "request": "description", "category": "service_code", "village": "address_string",
    "parties.0.name": "last_name", "parties.0.phone": "phone", "parties.0.address": "address_string",
}


@router.post("/requests.json", response={201: list[ServiceRequestCreated], **ERRORS}, summary="Open311：提交服务请求")
def create_request(request, payload: Form[RequestIn]):
    need(request, Scope.CREATE)
    user = request.auth.user
    if authz.scope_of(user).read_only:
        raise PermissionDenied("县级督办账号只读，不能登记案件")
    code = payload.service_code
    category = livelihood_categories().filter(pk=int(code)).first() if code.isdigit() else None
    if category is None:
        raise ActionError("service_code 不是可受理的民生诉求类型，见 services.json", field="service_code")
    name = (payload.last_name + payload.first_name).strip()
    if not name:
        raise ActionError("请提供诉求人姓名（last_name、first_name）", field="last_name")
    township = authz.scope_of(user).centre
    village = None
    if township and payload.address_string.strip():  # the village of the centre it names, else just an address
        village = Unit.objects.filter(
            Q(name=payload.address_string.strip()), path__startswith=township.path, kind=Unit.Kind.VILLAGE
        ).first()
    try:
        intake = Intake.build(
            user, kind=Case.Kind.PETITION, channel=Channel.ONLINE, legal_class=LegalClass.CLAIM, category=category,
            request=payload.description, village=village,
            parties=[{"name": name, "phone": payload.phone, "address": payload.address_string}],
        )
    except ActionError as refused:
        # The intake names its fields as the case does; say which Open311 parameter was wrong.
        raise ActionError(refused.message, field=INTAKE_PARAMETERS.get(refused.field, refused.field)) from None
    case = do_register_case(user, intake)
    notice = f"已登记，案件编号{case.number}，查询码{case.query_code}。请转告诉求人凭编号和查询码查询办理进度。"
    return Reply(201, [{"service_request_id": case.number, "service_notice": notice, "account_id": None}])
