from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.access import access_case
from jiefen.cases.actions import ActionError
from jiefen.org import authz

from . import queries
from .access import access_visit
from .forms import LeaderVisitForm, VisitCaseForm, VisitContactForm, VisitPartyForm
from .visits import do_add_visit_contact, do_open_case_from_visit, do_record_visit


@login_required
def mine(request):
    """我的包案: the cases the leader owns, with their clocks and what needs the leader's decision."""
    return render(request, "leadership/mine.html", queries.my_cases(request.user))


@login_required
def visit_list(request):
    only_mine = request.GET.get("mine") == "1"
    visits = queries.visit_list(request.user, leader=request.user if only_mine else None)
    page = Paginator(visits, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leadership/visit_list.html", {
        "page": page, "only_mine": only_mine, "may_record": authz.in_roles(request.user, authz.DESK),
    })


@login_required
def visit_new(request):
    form = LeaderVisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = do_record_visit(request.user, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已记录下访"))
            return redirect("leadership:visit_detail", visit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "leadership/visit_form.html", {"form": form}, status=status)


@login_required
def visit_detail(request, pk):
    visit = access_visit(request.user, pk)
    return render(request, "leadership/visit_detail.html", _visit_context(request, visit))


def _visit_context(request, visit, *, case_form=None, party_form=None, contact_form=None):
    may_write = authz.in_roles(request.user, authz.DESK)  # the policy row of the visit's writes
    return {
        "visit": visit,
        "outcomes": list(visit.cases.select_related("case")),
        "may_write": may_write,
        "case_form": case_form or VisitCaseForm(user=request.user, prefix="case"),
        "party_form": party_form or VisitPartyForm(prefix="party"),
        "contact_form": contact_form or VisitContactForm(prefix="contact"),
        "opened": "case" if case_form else "contact" if contact_form else "",
        "village_cases": queries.village_open_cases(request.user, visit.village) if may_write else [],
    }


@login_required
@require_POST
def visit_open_case(request, pk):
    """One step from a matter heard on the visit to a registered case."""
    visit = access_visit(request.user, pk, write=True)
    form = VisitCaseForm(request.POST, user=request.user, prefix="case")
    party = VisitPartyForm(request.POST, prefix="party")
    if form.is_valid() and party.is_valid():
        data = form.cleaned_data
        try:
            case = do_open_case_from_visit(
                request.user, visit, kind=data["kind"], legal_class=data["legal_class"], category=data["category"],
                request=data["request"], facts=data["facts"], party=party.cleaned_data, head_count=data["head_count"],
                identity_unknown=data["identity_unknown"], accused_unit=data["accused_unit"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("已登记，案件编号 %(n)s，查询码 %(c)s") % {"n": case.number, "c": case.query_code}
            )
            return redirect("case_detail", case.number)
    context = _visit_context(request, visit, case_form=form, party_form=party)
    return render(request, "leadership/visit_detail.html", context, status=400)


@login_required
@require_POST
def visit_contact(request, pk):
    """One step from a matter heard on the visit to a contact on an existing case."""
    visit = access_visit(request.user, pk, write=True)
    form = VisitContactForm(request.POST, prefix="contact")
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = access_case(request.user, data["number"].strip(), write=True)
        except Http404:
            form.add_error("number", _("案件不存在或不在您的办理范围内"))
        else:
            try:
                do_add_visit_contact(request.user, visit, case, head_count=data["head_count"], note=data["note"])
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("已记入案件 %(n)s") % {"n": case.number})
                return redirect("case_detail", case.number)
    context = _visit_context(request, visit, contact_form=form)
    return render(request, "leadership/visit_detail.html", context, status=400)
