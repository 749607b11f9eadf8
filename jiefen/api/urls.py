from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import cases, open311
from .api import api

# The routers are mounted here, not in api.py, which both of them import (no import circle).
api.add_router("/", cases.router)
api.add_router("/open311/v2/", open311.router)

app_name = "api"


@csrf_exempt  # it changes nothing: a POST to an unknown address is a 404 like any other, not a CSRF refusal
def not_found(request, rest=""):
    """No HTML error page under /api/: an unknown address answers in the API's own JSON shape."""
    return JsonResponse(
        {"detail": "接口地址不存在", "errors": []}, status=404, json_dumps_params={"ensure_ascii": False}
    )


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
