"""Open311 GeoReport v2 as published (http://wiki.open311.org/GeoReport_v2), for the livelihood matters (民生诉求).

services = the livelihood categories; a service request = a case of one of them; jurisdiction_id = a township's
unit code (a city deployment serves all its townships from one endpoint). Every operation answers in XML (the
format the spec requires) and JSON, chosen by the suffix (services.xml, services.json); errors are the spec's list
of {code, description}, in the same format. What deviates from the spec, and why, is in the README's API section.

- Reads (services, service definitions, requests) need no key. Without one they return only what is public: the
  requests sent in through Open311 (never a petition registered at the desk), without description, address as
  given or media link, the location rounded to about a kilometre. With a key that may read, they return all of
  the token's account's scope.
- POST requests needs the key: from the form body (as the spec's example sends it), the query, `X-Api-Key` or
  `Authorization: Bearer`. The case goes through the one intake (Intake.build, do_register_case); what the intake
  has no field for (coordinates, address text, email, media link, attribute answers, client ids) is kept beside the
  case in ServiceRequest and shown on the case page.
- A request is registered at once and gets its case number: no tokens are issued (tokens/{id} is a 404).
"""

import datetime as dt
import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DataError, transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from jiefen.cases import access
from jiefen.cases.actions import ActionError, do_register_case
from jiefen.cases.actions.intake import Intake
from jiefen.cases.models import Case, Category, Channel, LegalClass, StatusGroup
from jiefen.org import authz
from jiefen.org.models import Unit

from .api import through
from .models import Scope, ServiceRequest
from .tokens import authenticate

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this profile last changed (discovery's changeset).
CHANGESET = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The livelihood subset (民生诉求) of the subject categories offered to outside service-request systems. Matters of
# land, demolition, accusations of cadres or litigation stay with the centre's own channels.
LIVELIHOOD = ["劳动工资", "社会保障", "环境保护", "城乡建设", "民生服务", "邻里纠纷", "山林水利"]
MAX_REQUESTS = 1000  # the spec's suggested cap on one answer
DEFAULT_SPAN = dt.timedelta(days=90)  # the spec: a range may not span more than 90 days, default the last 90
MAX_DESCRIPTION = 4000
PUBLIC_PLACES = Decimal("0.01")  # about a kilometre: where, not whose door
NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() is True, int("²") fails
# Characters XML 1.0 cannot carry (control characters other than tab, newline and carriage return).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Attribute:
    """One question of a service definition (the spec's attribute), asked as attribute[code]=value."""

    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: str
    values: tuple = ()  # (key, name) pairs of a list
    datatype_description: str = ""

    def as_dict(self, order):
        return {
            "variable": True, "code": self.code, "datatype": self.datatype, "required": self.required,
            "datatype_description": self.datatype_description, "order": order, "description": self.description,
            "values": [{"key": key, "name": name} for key, name in self.values],
        }


# The questions a livelihood category needs answered to be handled without calling the petitioner back: an unpaid
# wage needs the employer and how many are owed; a pollution report needs what kind it is.
ATTRIBUTES = {
    "劳动工资": (
        Attribute("employer", "string", True, "欠薪的用工单位（或包工头）名称"),
        Attribute("workers", "number", True, "被拖欠工资的人数", datatype_description="正整数"),
        Attribute("amount", "number", False, "拖欠金额（元）", datatype_description="不超过两位小数"),
    ),
    "环境保护": (
        Attribute("pollution", "singlevaluelist", True, "污染类型", values=(
            ("water", "水污染"), ("air", "大气污染"), ("noise", "噪声"), ("waste", "固体废物"), ("other", "其他"),
        )),
        Attribute("since", "datetime", False, "开始出现的时间", datatype_description="如 2026-11-01T08:00:00+08:00"),
    ),
}


class Refusal(Exception):
    """An answer in the spec's error format: status `code`, a Chinese `description`."""

    def __init__(self, code, description):
        super().__init__(description)
        self.code = code
        self.description = description


# ---- Formats ----

# The element that holds each item of a list, by the list's own element (the spec's XML examples).
ITEM_TAGS = {
    "services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
    "values": "value", "endpoints": "endpoint", "formats": "format",
}


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return "" if value is None else NOT_XML.sub("", str(value))  # text typed at the desk may carry them


def _element(tag, value):
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            node.append(_element(key, item))
    elif isinstance(value, list):
        for item in value:
            node.append(_element(ITEM_TAGS[tag], item))
    else:
        node.text = _text(value)
    return node


def as_xml(root, data):
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(_element(root, data), encoding="unicode")


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def reply(fmt, root, data, status=200):
    """`data` as the spec's XML under `root`, or as JSON (the root is implicit there)."""
    if fmt == "xml":
        body = as_xml(root, data)
    else:
        import json

        body = json.dumps(_json_ready(data), ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_reply(fmt, code, description):
    return reply(fmt, "errors", [{"code": code, "description": description}], status=code)


def format_of(path):
    return "xml" if path.endswith(".xml") else "json"


def w3c(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


# ---- The frame of every operation ----

def operation(*methods):
    """An operation at <name>.<fmt>: only `methods` (405 with Allow otherwise), CSRF-exempt (a key, not a session,
    says who calls), every refusal in the spec's error format and the requested format."""
    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def wrap(view):
        @csrf_exempt
        @functools.wraps(view)
        def run(request, fmt, **kwargs):
            if request.method not in allowed:
                answer = error_reply(fmt, 405, "该接口不支持此请求方法")
                answer["Allow"] = ", ".join(allowed)
                return answer
            try:
                return view(request, fmt, **kwargs)
            except Refusal as refused:
                return error_reply(fmt, refused.code, refused.description)
            except PermissionDenied as denied:
                return error_reply(fmt, 403, str(denied) or "无权执行该操作")
            except Http404:
                return error_reply(fmt, 404, "服务请求不存在")
            except (DataError, OverflowError):
                return error_reply(fmt, 400, "参数中的数值超出范围或格式不正确")

        return run

    return wrap


def _param(request, name):
    """A parameter from the form body (POST) or the query; an empty value is an absent one."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name)
    value = (value or "").strip()
    if NOT_XML.search(value):
        raise Refusal(400, f"{name} 含有非法字符")
    return value


def token_of(request):
    """The API token the request carries (form body, query, X-Api-Key or Bearer), or None if it carries none; a key
    that is wrong or revoked is refused (403), never treated as no key."""
    raw = _param(request, "api_key") or request.headers.get("X-Api-Key", "").strip()
    if not raw:
        bearer = request.headers.get("Authorization", "")
        raw = bearer[7:].strip() if bearer[:7].lower() == "bearer " else ""
    if not raw:
        return None
    token = through(request, authenticate(raw))
    if token is None:
        raise Refusal(403, "api_key 无效或已吊销")
    return token


def reader_of(request):
    """The token's account if the request carries a key that may read, None for a public read."""
    token = token_of(request)
    if token is None:
        return None
    if Scope.READ not in token.scopes:
        raise Refusal(403, "该 api_key 没有“读取案件”权限")
    return token.user


def jurisdiction_of(request):
    code = _param(request, "jurisdiction_id")
    if not code:
        return None
    township = Unit.objects.filter(code=code, kind=Unit.Kind.TOWNSHIP).first()
    if township is None:
        raise Refusal(404, f"jurisdiction_id“{code}”不存在（应为乡镇（街道）的单位代码）")
    return township


# ---- Discovery ----

@operation("GET")
def discovery(request, fmt):
    url = request.build_absolute_uri("/api/open311/v2")
    return reply(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": "请联系所在乡镇（街道）矛盾纠纷调处化解中心",
        "key_service": "api_key 由矛调中心主任在“接口令牌”页面创建，登记服务请求须“登记案件”权限",
        "endpoints": [{
            "specification": SPECIFICATION, "url": url, "changeset": CHANGESET, "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


# ---- Services ----

def livelihood_categories():
    return Category.objects.filter(name__in=LIVELIHOOD).order_by("sort", "id")


def _service(category):
    return {
        "service_code": str(category.pk), "service_name": category.name,
        "description": f"{category.name}方面的民生诉求", "metadata": category.name in ATTRIBUTES,
        "type": "realtime", "keywords": category.name, "group": "民生诉求",
    }


@operation("GET")
def services(request, fmt):
    jurisdiction_of(request)
    return reply(fmt, "services", [_service(c) for c in livelihood_categories()])


def service_of(code):
    category = livelihood_categories().filter(pk=int(code)).first() if NUMBER.fullmatch(code) else None
    if category is None:
        raise Refusal(404, f"service_code“{code}”不存在，可受理的民生诉求类型见 services.xml")
    return category


@operation("GET")
def service_definition(request, fmt, service_code):
    jurisdiction_of(request)
    category = service_of(service_code)
    attributes = [a.as_dict(order) for order, a in enumerate(ATTRIBUTES.get(category.name, ()), start=1)]
    return reply(fmt, "service_definition", {"service_code": str(category.pk), "attributes": attributes})


# ---- Requests: reading ----

def _rows(reader):
    """The livelihood cases `reader` may read, or, for a public read, the claims sent in through Open311."""
    if reader is not None:
        rows = access.cases_for(reader)
    else:  # only what a reporter sent through Open311 is published; the desk's petitions never are
        rows = access.public_claims().filter(service_request__isnull=False)
    return rows.filter(category__name__in=LIVELIHOOD).select_related(
        "category", "centre", "village", "responsible_unit", "service_request"
    )


def as_request(case, *, public):
    closed = case.status in StatusGroup.CLOSED_TO_CITIZEN
    notes = case.get_status_display()
    if case.reply_outcome:
        notes += f"；处理意见：{case.get_reply_outcome_display()}（{case.reply_served_on}送达）"
    if case.next_due_on and not closed:
        notes += f"；当前期限截止{case.next_due_on}"
    due = case.next_due_on
    place = (case.village or case.centre).name
    given = getattr(case, "service_request", None)
    row = {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": str(case.category_id),
        "description": "" if public else case.request,
        "agency_responsible": (case.responsible_unit or case.centre).name,
        "service_notice": f"{case.centre.name}矛盾纠纷调处化解中心",
        "requested_datetime": case.received_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": timezone.make_aware(dt.datetime.combine(due, dt.time(17, 0))) if due else None,
        "address": place if public or given is None or not given.address_string else given.address_string,
        "address_id": "",
        "zipcode": "",
        "lat": None, "long": None,
        "media_url": "" if public or given is None else given.media_url,
    }
    if given is not None and given.lat is not None:
        places = PUBLIC_PLACES if public else Decimal("0.000001")
        row["lat"] = given.lat.quantize(places, ROUND_HALF_UP)
        row["long"] = given.long.quantize(places, ROUND_HALF_UP)
    return row


def moment(name, raw):
    """A W3C date-time (2026-01-01T00:00:00+08:00 or …Z); a date alone is its midnight, a time without a zone is the
    server's (Asia/Shanghai)."""
    if "T" in raw:
        raw = raw.replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = dt.datetime.combine(day, dt.time())
    except ValueError:
        value = None
    if value is None:
        raise Refusal(400, f"{name} 须为 W3C 日期时间，如 2026-01-01T00:00:00+08:00")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _statuses(raw):
    wanted = {s.strip() for s in raw.split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise Refusal(400, "status 只能是 open、closed 或二者以逗号分隔")
    return wanted


def list_requests(request, fmt):
    reader = reader_of(request)
    rows = _rows(reader)
    township = jurisdiction_of(request)
    if township is not None:
        rows = rows.filter(centre=township)
    numbers = [n.strip() for n in _param(request, "service_request_id").split(",") if n.strip()]
    if numbers:  # the spec: service_request_id overrides all other arguments
        rows = rows.filter(number__in=numbers[:MAX_REQUESTS])
    else:
        rows = _filtered(request, rows)
    public = reader is None
    found = rows.order_by("-received_at", "-id")[:MAX_REQUESTS]
    return reply(fmt, "service_requests", [as_request(c, public=public) for c in found])


def _filtered(request, rows):
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        rows = rows.filter(category_id__in=[int(c) for c in codes if NUMBER.fullmatch(c)])
    start = _param(request, "start_date")
    end = _param(request, "end_date")
    start = moment("start_date", start) if start else None
    end = moment("end_date", end) if end else None
    if start and end and end < start:
        raise Refusal(400, "end_date 不能早于 start_date")
    if start and end and end - start > DEFAULT_SPAN:
        raise Refusal(400, "start_date 与 end_date 相隔不得超过90天")
    if start is None and end is None:
        end = timezone.now()
    start = start or end - DEFAULT_SPAN
    end = end or start + DEFAULT_SPAN
    rows = rows.filter(received_at__gte=start, received_at__lte=end)
    statuses = _statuses(_param(request, "status"))
    if statuses == {"open"}:
        rows = rows.exclude(status__in=StatusGroup.CLOSED_TO_CITIZEN)
    elif statuses == {"closed"}:
        rows = rows.filter(status__in=StatusGroup.CLOSED_TO_CITIZEN)
    return rows


@operation("GET")
def read_request(request, fmt, service_request_id):
    reader = reader_of(request)
    rows = _rows(reader)
    township = jurisdiction_of(request)
    if township is not None:
        rows = rows.filter(centre=township)
    case = rows.filter(number=service_request_id).first()
    if case is None:
        raise Refusal(404, f"service_request_id“{service_request_id}”不存在")
    return reply(fmt, "service_requests", [as_request(case, public=reader is None)])


@operation("GET")
def read_token(request, fmt, token_id):
    raise Refusal(404, "本接口即时登记并返回 service_request_id，不签发 token")


# ---- Requests: submitting ----

COORDINATE = re.compile(r"^[+-]?\d{1,3}(\.\d{1,15})?$")
# The Open311 parameter behind each field of the intake (jiefen.cases.actions.intake.Intake).
INTAKE_PARAMETERS = {
    "request": "description", "category": "service_code", "village": "address_string",
    "parties.0.name": "last_name", "parties.0.phone": "phone", "parties.0.address": "address_string",
}


def _coordinate(name, raw, limit):
    if not COORDINATE.match(raw):
        raise Refusal(400, f"{name} 须为十进制度数（WGS-84），如 30.274085")
    value = Decimal(raw)
    if abs(value) > limit:
        raise Refusal(400, f"{name} 超出范围（-{limit}～{limit}）")
    return value.quantize(Decimal("0.000001"), ROUND_HALF_UP)


def _location(request):
    lat, long = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string")
    if bool(lat) != bool(long):
        raise Refusal(400, "lat 与 long 须同时提供")
    if not (lat or address):
        if _param(request, "address_id"):
            raise Refusal(400, "本系统没有地址库，不使用 address_id：请提供 address_string 或 lat 与 long")
        raise Refusal(400, "请提供位置：lat 与 long，或 address_string")
    if len(address) > 200:
        raise Refusal(400, "address_string 不能超过200字")
    if lat:
        return _coordinate("lat", lat, 90), _coordinate("long", long, 180), address
    return None, None, address


def _answer(attribute, raw):
    label = f"attribute[{attribute.code}]（{attribute.description}）"
    if attribute.datatype == "number":
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
            raise Refusal(400, f"{label} 须为不小于0、不超过两位小数的数字")
        if attribute.code == "workers" and value != value.to_integral_value():
            raise Refusal(400, f"{label} 须为整数")
        if value > Decimal("1e12"):
            raise Refusal(400, f"{label} 数值过大")
        return str(value)
    if attribute.datatype == "datetime":
        return w3c(moment(label, raw))
    if attribute.datatype in ("singlevaluelist", "multivaluelist"):
        keys = dict(attribute.values)
        if raw not in keys:
            raise Refusal(400, f"{label} 只能是：" + "、".join(f"{k}（{n}）" for k, n in attribute.values))
        return raw
    if len(raw) > 200:
        raise Refusal(400, f"{label} 不能超过200字")
    return raw


ATTRIBUTE_PARAMETER = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _attributes(request, category):
    """The answers to the service's attributes, checked: {code: value}, in the definition's order."""
    asked = {a.code: a for a in ATTRIBUTES.get(category.name, ())}
    given = {}
    for key in request.POST:
        match = ATTRIBUTE_PARAMETER.match(key)
        if match is None:
            continue
        code = match.group(1)
        if code not in asked:
            raise Refusal(400, f"服务类型“{category.name}”没有属性 attribute[{code}]，见 services/{category.pk}.xml")
        values = [v.strip() for v in request.POST.getlist(key) if v.strip()]
        if values:
            given[code] = values
    answers = {}
    for code, attribute in asked.items():
        values = given.get(code, [])
        if not values:
            if attribute.required:
                raise Refusal(400, f"attribute[{code}]（{attribute.description}）为必填项")
            continue
        if attribute.datatype != "multivaluelist" and len(values) > 1:
            raise Refusal(400, f"attribute[{code}] 只能有一个值")
        checked = [_answer(attribute, v) for v in values]
        answers[code] = checked if attribute.datatype == "multivaluelist" else checked[0]
    return answers


def _answers_text(category, answers):
    """The attribute answers as a line of the case's facts, so the desk reads them where it reads the rest."""
    parts = []
    for attribute in ATTRIBUTES.get(category.name, ()):
        if attribute.code not in answers:
            continue
        value = answers[attribute.code]
        names = dict(attribute.values)
        shown = "、".join(names.get(v, v) for v in value) if isinstance(value, list) else names.get(value, value)
        parts.append(f"{attribute.description}：{shown}")
    return "；".join(parts)


def _village_in(township, address):
    """The village of `township` the address names (the longest name it contains), or None."""
    if township is None or not address:
        return None
    villages = Unit.objects.filter(path__startswith=township.path, kind=Unit.Kind.VILLAGE).only("name", "path")
    named = [v for v in villages if v.name and v.name in address]
    return max(named, key=lambda v: len(v.name)) if named else None


@dataclass
class Submitted:
    """A POST's parameters, checked, before anything is written."""

    category: Category
    description: str
    name: str
    phone: str
    email: str
    media_url: str
    lat: Decimal | None
    long: Decimal | None
    address: str
    answers: dict = field(default_factory=dict)
    device_id: str = ""
    account_id: str = ""


def _submitted(request):
    code = _param(request, "service_code")
    if not code:
        raise Refusal(400, "缺少 service_code")
    category = service_of(code)
    description = _param(request, "description")
    if not description:
        raise Refusal(400, "缺少 description（诉求内容）")
    if len(description) > MAX_DESCRIPTION:
        raise Refusal(400, f"description 不能超过{MAX_DESCRIPTION}字")
    lat, long, address = _location(request)
    name = (_param(request, "last_name") + _param(request, "first_name")).strip()
    if not name:
        raise Refusal(400, "请提供诉求人姓名（last_name、first_name）：信访事项须有信访人")
    if len(name) > 50:
        raise Refusal(400, "姓名不能超过50字")
    email = _param(request, "email")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise Refusal(400, "email 格式不正确") from None
        if len(email) > 100:
            raise Refusal(400, "email 不能超过100字")
    media_url = _param(request, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Refusal(400, "media_url 须为 http 或 https 地址") from None
        if len(media_url) > 500:
            raise Refusal(400, "media_url 不能超过500字")
    ids = {}
    for key in ("device_id", "account_id"):
        ids[key] = _param(request, key)
        if len(ids[key]) > 100:
            raise Refusal(400, f"{key} 不能超过100字")
    return Submitted(
        category=category, description=description, name=name, phone=_param(request, "phone"), email=email,
        media_url=media_url, lat=lat, long=long, address=address, answers=_attributes(request, category), **ids,
    )


@operation("GET", "POST")
def requests_collection(request, fmt):
    if request.method == "POST":
        return create_request(request, fmt)
    return list_requests(request, fmt)


def create_request(request, fmt):
    token = token_of(request)
    if token is None:
        raise Refusal(403, "缺少 api_key：登记服务请求须提供 api_key（表单参数 api_key）")
    if Scope.CREATE not in token.scopes:
        raise Refusal(403, "该 api_key 没有“登记案件”权限")
    user = token.user
    scope = authz.scope_of(user)
    if scope.read_only or scope.centre is None:
        raise Refusal(403, "该 api_key 的账号不属于乡镇（街道），不能登记服务请求")
    township = jurisdiction_of(request)
    if township is not None and township.pk != scope.centre.pk:
        raise Refusal(403, f"该 api_key 只能为{scope.centre.name}登记服务请求")
    given = _submitted(request)
    facts = _answers_text(given.category, given.answers)
    try:
        intake = Intake.build(
            user, kind=Case.Kind.PETITION, channel=Channel.ONLINE, legal_class=LegalClass.CLAIM,
            category=given.category, request=given.description, facts=facts,
            village=_village_in(scope.centre, given.address),
            parties=[{"name": given.name, "phone": given.phone, "address": given.address}],
        )
    except ActionError as refused:
        # The intake names its fields as the case does; say which Open311 parameter was wrong.
        parameter = INTAKE_PARAMETERS.get(refused.field, refused.field)
        raise Refusal(400, f"{parameter}：{refused.message}" if parameter else refused.message) from None
    with transaction.atomic():
        case = do_register_case(user, intake)
        ServiceRequest.objects.create(
            case=case, token=token, lat=given.lat, long=given.long, address_string=given.address,
            email=given.email, media_url=given.media_url, attributes=given.answers, device_id=given.device_id,
            account_id=given.account_id,
        )
    notice = f"已登记，案件编号{case.number}，查询码{case.query_code}。请转告诉求人凭编号和查询码查询办理进度。"
    created = [{"service_request_id": case.number, "service_notice": notice, "account_id": given.account_id or None}]
    return reply(fmt, "service_requests", created, status=201)


# ---- On the case page ----

def case_section(user, case, steps):
    """What an Open311 client sent beyond the intake's fields, among the facts of the case page."""
    if case.channel != Channel.ONLINE:
        return steps, None
    given = ServiceRequest.objects.filter(case=case).select_related("token").first()
    if given is None:
        return steps, None
    # The attribute answers are in the case's 事实和理由 already (create_request): not repeated here.
    return steps, {
        "template": "api/_case_service_request.html", "slot": "facts",
        "context": {"given": given, "email": mask_email(given.email)},
    }


def mask_email(email):
    """c***@example.com: enough to recognise, not to write to (the case's phone is the contact)."""
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"
