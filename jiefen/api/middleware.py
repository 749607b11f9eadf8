"""Every answer under /api/ is JSON with a Chinese message (issue 14, point 2).

Django answers some requests before any view of the API runs: a POST without a CSRF token to an address no token
authenticates (CsrfViewMiddleware), a method a route does not take (django-ninja's 405, an empty text/html page),
a refusal of the access policy, a crash outside the API's own handlers. This middleware, outside all of them,
turns any such answer under /api/ into the API's error shape: {"detail", "errors"} for the case API, the
GeoReport v2 list of {"code", "description"} under /api/open311/ (as XML where the address ends in .xml). JSON and
XML the API wrote itself pass untouched.
"""

from django.db import transaction
from django.http import JsonResponse

from jiefen.audit.records import record

API_PREFIX = "/api/"
OPEN311_PREFIX = "/api/open311/"
# What each status says when Django, not the API, answered.
MESSAGES = {
    400: "请求格式不正确",
    401: "缺少接口令牌或令牌无效（已吊销）",
    403: "无权访问该接口（跨站请求校验失败或未获授权）",
    404: "接口地址不存在",
    405: "该接口不支持此请求方法",
    413: "请求内容过大",
    415: "不支持的请求内容类型",
    500: "服务器内部错误，请稍后再试",
}


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(("application/json", "application/xml", "text/xml")):
            return response
        return as_json(request, response)


def as_json(request, response):
    """The API's error answer for `response`, with the same status (and Allow header of a 405)."""
    status = response.status_code
    message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    if request.path.startswith(OPEN311_PREFIX):
        from .georeport import error_reply, format_of

        answer = error_reply(format_of(request.path), status, message)
    else:
        answer = JsonResponse(
            {"detail": message, "errors": []}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    if "Allow" in response:
        answer["Allow"] = response["Allow"]
    return answer


class ApiTokenAuditMiddleware:
    """One audit record per request that came through an API token, under the token's name: who (the token's
    account), through which token, what (method, address, answer). Inside the audit context, so the record carries
    the client's address; the records the request's own changes wrote name the token too (details "via")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            with transaction.atomic():
                record(token.user, "api.request", token, method=request.method, path=request.path[:200],
                       status=response.status_code, token=token.name)
        return response
