from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.access import access_case
from jiefen.cases.errors import ActionError

from . import queries
from .actions import do_acknowledge_warning
from .forms import AcknowledgeForm, WarningFilter


def _list_context(request, *, failed=None, failed_form=None):
    choices = queries.filter_choices(request.user)
    filters = WarningFilter(request.GET, **choices)
    narrow = filters.cleaned_data if filters.is_valid() else {}
    rows = queries.warning_list(
        request.user, grade=narrow.get("grade"), village=narrow.get("village"), owner=narrow.get("owner"),
        pending=narrow.get("pending", False),
    )
    page = Paginator(queries.with_owners(rows), settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters, "page": page, "query": query.urlencode(), "today": timezone.localdate(),
        "failed": failed, "failed_form": failed_form, "ack_form": AcknowledgeForm(),
    }


@login_required
def warning_list(request):
    """预警研判: the open cases with a warning in the viewer's scope, by grade, village or owning leader."""
    return render(request, "warning/list.html", _list_context(request))


@login_required
@require_POST
def acknowledge(request, number):
    """已研判: a leader of the centre records that a warning has been studied and what is being done."""
    case = access_case(request.user, number, write=True)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            do_acknowledge_warning(request.user, case, measures=form.cleaned_data["measures"])
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已记录研判意见"))
            # Back to the list as it was filtered: the form posts with the list's query string.
            query = request.GET.urlencode()
            return redirect(reverse("warning:list") + (f"?{query}" if query else ""))
    context = _list_context(request, failed=case.number, failed_form=form)
    return render(request, "warning/list.html", context, status=400)
