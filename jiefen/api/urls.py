from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import cases, georeport
from .api import api

# The router is mounted here, not in api.py, which it imports (no import circle).
api.add_router("/", cases.router)

app_name = "api"
FORMAT = r"\.(?P<fmt>xml|json)$"


@csrf_exempt  # it changes nothing: a POST to an unknown address is a 404 like any other, not a CSRF refusal
def not_found(request, rest=""):
    """No HTML error page under /api/: an unknown address answers in the API's own shape (GeoReport's under
    /api/open311/, in XML where the address asks for it)."""
    if request.path.startswith("/api/open311/"):
        return georeport.error_reply(georeport.format_of(request.path), 404, "接口地址不存在")
    return JsonResponse(
        {"detail": "接口地址不存在", "errors": []}, status=404, json_dumps_params={"ensure_ascii": False}
    )


# Open311 GeoReport v2 (georeport.py): every operation as .xml and .json; discovery at the API's root and beside it.
open311 = [
    re_path(r"^open311/discovery" + FORMAT, georeport.discovery, name="open311_discovery"),
    re_path(r"^open311/v2/discovery" + FORMAT, georeport.discovery),
    re_path(r"^open311/v2/services" + FORMAT, georeport.services, name="open311_services"),
    re_path(r"^open311/v2/services/(?P<service_code>[^/]+)" + FORMAT, georeport.service_definition,
            name="open311_service"),
    re_path(r"^open311/v2/requests" + FORMAT, georeport.requests_collection, name="open311_requests"),
    re_path(r"^open311/v2/requests/(?P<service_request_id>[^/]+)" + FORMAT, georeport.read_request,
            name="open311_request"),
    re_path(r"^open311/v2/tokens/(?P<token_id>[^/]+)" + FORMAT, georeport.read_token, name="open311_token"),
]

urlpatterns = [
    *open311,
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
