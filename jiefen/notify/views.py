from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.access import access_case

from . import actions, queries

PER_PAGE = 30
# htmx stops polling on this status: the bell of a page whose session has ended goes quiet instead of
# swapping the login page into the top bar.
HTMX_STOP_POLLING = 286


def _own(user, pk):
    notification = queries.notification_of(user, pk)
    if notification is None:
        raise Http404(_("通知不存在"))
    return notification


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(queries.inbox(request.user, unread_only=unread_only), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/notification_list.html", {"page": page, "unread_only": unread_only})


@login_required
def notification_open(request, pk):
    """Follow a notification to what it is about, marking it read on the way (as opening a message does)."""
    notification = actions.mark_read(_own(request.user, pk))
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request, pk):
    notification = actions.mark_read(_own(request.user, pk))
    if request.htmx:
        return render(request, "notify/_notification_read.html", {"n": notification})
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = actions.mark_all_read(request.user)
    messages.success(request, _("已将%(n)s条通知标为已读") % {"n": count})
    return redirect("notifications")


def notification_bell(request):
    """htmx: the bell with its unread count, polled by every page."""
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    return render(request, "notify/_bell.html")


@login_required
def supervision_notice(request, number, pk=None):
    """The 督办单 of case `number` as issued: the latest, or the one of supervision record `pk`."""
    case = access_case(request.user, number)
    issued = case.supervisions.exclude(notice="")
    supervision = (issued.filter(pk=pk) if pk else issued).first()
    if supervision is None:
        raise Http404(_("本案没有督办单"))
    response = FileResponse(supervision.notice.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'督办单-{case.number}.pdf')}"
    return response
