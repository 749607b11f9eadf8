"""The open API (django-ninja): token authentication, and errors as JSON with a Chinese message.

Every endpoint acts as the token's staff account, through the same access and action functions as the pages;
on top of that account's role the token carries permissions (models.Scope), each endpoint needing one.
The OpenAPI 3 document is served at /api/openapi.json; no docs page (Swagger UI would load from a CDN).
The router (cases.py) imports this module and is mounted on `api` in urls.py, so this module imports neither and
either can be imported first. Open311 GeoReport v2 (georeport.py) is not part of this API: it answers in XML too.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from jiefen.audit.context import current_via
from jiefen.cases.actions import ActionError, CaseChanged

from .models import Scope
from .tokens import authenticate

logger = logging.getLogger(__name__)


def through(request, token):
    """Note on the request (and on every audit record it writes) which token it came through."""
    if token is not None:
        request.api_token = token
        current_via.set(f"接口令牌“{token.name}”（{token.prefix}…）")
    return token


class BearerToken(HttpBearer):
    openapi_description = "Authorization: Bearer <令牌>（中心主任在“接口令牌”页面创建）"

    def authenticate(self, request, token):
        return through(request, authenticate(token))


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class StepConflict(Exception):
    """A step not allowed in the case's current state (409), as the case page answers it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


api = NinjaAPI(
    title="解纷 开放接口",
    version="1",
    description=(
        "矛调中心案件的开放接口：案件查询、登记、来访登记、办理操作、统计数据。"
        "Open311 GeoReport v2 接口另见 /api/open311/discovery.xml（XML 与 JSON）。"
    ),
    auth=[BearerToken()],
    urls_namespace="api:v1",  # nested in the app namespace "api" (jiefen/api/urls.py)
    docs_url=None,
    openapi_url="/openapi.json",
    renderer=ChineseJSONRenderer(),
)


def need(request, scope):
    """Refuse (403) a token without `scope`."""
    if scope not in request.auth.scopes:
        raise AuthorizationError(message=f"该令牌没有“{Scope(scope).label}”权限")


def error(request, status, detail, errors=()):
    return api.create_response(request, {"detail": str(detail), "errors": list(errors)}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return error(request, 401, "缺少接口令牌或令牌无效（已吊销）")


@api.exception_handler(HttpError)
def http_error(request, exc):
    return error(request, exc.status_code, exc.message)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "案件不存在或不在本账号的范围内")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return error(request, 403, str(exc) or "无权执行该操作")


@api.exception_handler(CaseChanged)
def case_changed(request, exc):
    return error(request, 409, exc.message)


@api.exception_handler(StepConflict)
def step_conflict(request, exc):
    return error(request, 409, exc.message)


@api.exception_handler(ActionError)
def refused(request, exc):
    errors = getattr(exc, "errors", None) or ([{"field": exc.field, "message": exc.message}] if exc.field else [])
    return error(request, 400, exc.message, errors)


WHERE = ("body", "payload", "query", "path", "header", "form")  # where a parameter was, not which one


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors = []
    for item in exc.errors:
        field = ".".join(str(part) for part in item.get("loc", ()) if part not in WHERE)
        message = "缺少必填项" if item.get("type") == "missing" else "取值不符合要求"
        errors.append({"field": field, "message": message})
    return error(request, 400, "请求参数不正确：" + "；".join(f"{e['field']}{e['message']}" for e in errors), errors)


@api.exception_handler(MultiPartParserError)
def malformed_body(request, exc):
    return error(request, 400, "请求体格式不正确")


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    # A number no database column holds (SQLite raises OverflowError, PostgreSQL DataError): bad input, not a crash.
    return error(request, 400, "参数中的数值超出范围或格式不正确")


@api.exception_handler(ValueError)
def bad_value(request, exc):
    if "NUL" in str(exc):  # PostgreSQL text cannot hold NUL characters
        return error(request, 400, "参数中含有非法字符")
    return crashed(request, exc)


@api.exception_handler(Exception)
def crashed(request, exc):
    logger.exception("API error on %s", request.path)
    return error(request, 500, "服务器内部错误，请稍后重试")

