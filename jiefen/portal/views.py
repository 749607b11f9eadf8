"""The public portal (最多跑一地): guide, online petition, tracking by case number and query code, answering.

No login: a petitioner proves who they are for a case by its query code, once per visit; the session then
remembers that case for a short while. No code or ID number ever travels in a URL.
"""

import time
from urllib.parse import quote

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiefen.cases import notices
from jiefen.cases.access import remembered_case
from jiefen.cases.actions import ActionError, do_case_action
from jiefen.cases.steps import do_record_satisfaction
from jiefen.org.models import Unit

from . import queries
from .actions import do_record_tracking_failure, do_submit_petition, public_centres, service_account, throttled
from .forms import PetitionForm, RateForm, TrackForm, new_key

SUBMITTED = "portal_submitted"
TRACKED = "portal_tracked"
TRACKING_SECONDS = 30 * 60


def _centre(code):
    return get_object_or_404(Unit, code=code, kind=Unit.Kind.TOWNSHIP)


def index(request):
    return render(request, "portal/index.html", {"centres": public_centres()})


def guide(request, code):
    return render(request, "portal/guide.html", {"centre": _centre(code)})


def petition(request, code):
    """网上信访: one submission per form key, whatever the network or the double click does."""
    centre = _centre(code)
    form = PetitionForm(request.POST or None, request.FILES or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _created = do_submit_petition(
                service_account(centre), key=data["key"], legal_class=data["legal_class"], category=data["category"],
                village=data["village"], request=data["request"], facts=data["facts"], party=form.party(),
                accused_unit=data["accused_unit"],
                files=data["attachments"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            request.session[SUBMITTED] = case.pk
            return redirect("portal:submitted")
    if form.has_error("key"):
        form.data = form.data.copy()
        form.data["key"] = new_key()  # a stale or forged key: the next submit gets a fresh one
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/petition.html", {"centre": centre, "form": form}, status=status)


@never_cache
def submitted(request):
    """The case number and query code of the submission just made, with both as a QR code."""
    case = remembered_case(request.session.get(SUBMITTED))
    if case is None:
        return redirect("portal:index")
    text = _("案件编号：%(number)s\n查询码：%(code)s\n查询网址：%(url)s") % {
        "number": case.number, "code": case.query_code, "url": request.build_absolute_uri(reverse("portal:track")),
    }
    qr = segno.make(text, error="m").svg_inline(scale=4, svgclass="qr", lineclass=None, title=_("案件编号和查询码"))
    return render(request, "portal/submitted.html", {"case": case, "qr": qr})


@never_cache
def track(request):
    """Case number and query code in, the case page out; wrong guesses are counted and throttled."""
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")[:32]})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            address, number = request.META.get("REMOTE_ADDR", ""), form.cleaned_data["number"]
            if throttled(address, number):
                form.add_error(None, _("查询失败次数过多，为保护您的信息，请15分钟后再试"))
                status = 429
            else:
                case = queries.find_case(number, form.cleaned_data["code"])
                if case is not None:
                    request.session[TRACKED] = {"case": case.pk, "at": time.time()}
                    return redirect("portal:tracked")
                do_record_tracking_failure(address, number)
                form.add_error(None, _("案件编号或查询码不正确，请核对后重新输入"))
    return render(request, "portal/track.html", {"form": form}, status=status)


def _tracked_case(request):
    seen = request.session.get(TRACKED) or {}
    if not seen or time.time() - seen.get("at", 0) > TRACKING_SECONDS:
        return None
    return remembered_case(seen.get("case"))


def _require_tracked(request):
    case = _tracked_case(request)
    if case is None:
        raise Http404(_("请先输入案件编号和查询码"))
    return case


@never_cache
def tracked(request):
    case = _tracked_case(request)
    if case is None:
        messages.info(request, _("查询已超时，请重新输入案件编号和查询码"))
        return redirect("portal:track")
    context = queries.tracking_page(case)
    context["rate_form"] = RateForm()
    return render(request, "portal/tracked.html", context)


@require_POST
def rate(request):
    case = _require_tracked(request)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择满意、基本满意或不满意"))
        return redirect("portal:tracked")
    try:
        do_record_satisfaction(
            service_account(case.centre), case, rating=form.cleaned_data["rating"], reason=form.cleaned_data["reason"],
            source="online",
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("感谢您的评价"))
    return redirect("portal:tracked")


@require_POST
def request_review(request):
    """复查 (or 复核) asked from the portal: the desk's own step, so the same window rule decides."""
    case = _require_tracked(request)
    action = request.POST.get("action")
    if action not in ("request_review", "request_rereview"):
        raise Http404
    try:
        do_case_action(
            service_account(case.centre), case, action, expected_version=case.version,
            requested_on=timezone.localdate(),
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("申请已提交，中心将依法在30日内作出意见"))
    return redirect("portal:tracked")


@never_cache
def notice(request, kind):
    case = _require_tracked(request)
    if kind not in notices.available_notices(case, petitioner=True):
        raise Http404
    try:
        pdf = notices.render_notice(case, kind)
    except notices.NoticeUnavailable:
        raise Http404  # e.g. a stored copy that fails its check: never handed out; staff see why
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{notices.NOTICES[kind].title}-{case.number}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_POST
def leave(request):
    request.session.pop(TRACKED, None)
    return redirect("portal:track")
