"""Pages of the grid module: access, form, action, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.cases.actions import ActionError
from jiefen.org import authz

from . import actions, queries
from .access import (
    access_campaign,
    access_grid,
    access_household,
    access_key_person,
    access_visit,
    access_visitor,
    villages_for,
)
from .forms import (
    CampaignForm,
    DisputeForm,
    HouseholdForm,
    HouseholdVisitForm,
    KeyPersonForm,
    KeyPersonVisitForm,
    LedgerFilterForm,
    PeriodForm,
    UnlistForm,
    VisitorForm,
)
from .models import Finding, KeyPerson, Visitor

PER_PAGE = 30


def _refused(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _page(request, rows, per_page=PER_PAGE):
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def _query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _context(request, **extra):
    """What the grid pages offer: each flag is the named role set of the URL it leads to (jiefen.policy)."""
    user = request.user
    return {
        "may_write": authz.in_roles(user, authz.GRID_WRITE),
        "may_register": authz.in_roles(user, authz.DESK),
        "may_campaign": authz.in_roles(user, authz.LEADERSHIP),
        "may_key_group": authz.in_roles(user, authz.KEY_GROUPS),
        **extra,
    }


@login_required
def index(request):
    return render(request, "grid/index.html", _context(request, **queries.hub(request.user)))


# ---- household visits ----

@login_required
def visit_new(request):
    """入户走访: the phone-first form. A dispute found goes straight on to the ledger form of the new visit."""
    initial = {}
    if request.GET.get("household"):
        initial["household"] = access_household(request.user, request.GET["household"]).pk
    form = HouseholdVisitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = actions.do_record_household_visit(request.user, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            if visit.finding == Finding.DISPUTE:
                messages.success(request, _("已记录走访，请登记发现的矛盾纠纷"))
                return redirect("grid:visit_detail", visit.pk)
            messages.success(request, _("已记录对%(h)s的走访") % {"h": visit.household.head_name})
            return redirect("grid:visit_new")
    chosen = str(form["household"].value() or "")
    picked = queries.household_search(request.user, limit=1, pk=chosen) if chosen else []
    results = picked + [h for h in queries.household_search(request.user) if h.pk not in {p.pk for p in picked}]
    context = _context(request, form=form, results=results, chosen=chosen, q="")
    return render(request, "grid/visit_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def household_pick(request):
    """htmx: the households matching what the worker typed, as big radio buttons."""
    q = request.GET.get("q", "")[:50]
    results = queries.household_search(request.user, q)
    return render(request, "grid/_household_results.html", {"results": results, "q": q})


@login_required
def visit_detail(request, pk):
    visit = access_visit(request.user, pk)
    form = None
    may_record = authz.in_roles(request.user, authz.GRID_WRITE)
    if visit.finding == Finding.DISPUTE and visit.case_id is None and may_record:
        form = DisputeForm(user=request.user, visit=visit)
    return render(request, "grid/visit_detail.html", _context(request, visit=visit, form=form))


@login_required
@require_POST
def visit_dispute(request, pk):
    """One step from a dispute found on a visit to the ledger and a registered case."""
    visit = access_visit(request.user, pk, write=True)
    form = DisputeForm(request.POST, user=request.user, visit=visit)
    if form.is_valid():
        try:
            entry = actions.do_record_dispute(request.user, visit=visit, **form.action_kwargs())
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记矛盾纠纷，案件编号 %(n)s") % {"n": entry.case.number})
            return redirect("grid:visit_detail", visit.pk)
    return render(request, "grid/visit_detail.html", _context(request, visit=visit, form=form), status=400)


@login_required
def visit_list(request):
    finding = request.GET.get("finding") if request.GET.get("finding") in Finding.values else None
    visits = queries.visit_log(request.user, finding=finding)
    return render(request, "grid/visit_list.html", _context(
        request, page=_page(request, visits), finding=finding, findings=Finding.choices, query=_query(request),
    ))


# ---- households and grids ----

@login_required
def household_list(request):
    q = request.GET.get("q", "").strip()[:50]
    rows = queries.household_list(request.user, q=q, include_inactive=request.GET.get("all") == "1")
    page = _page(request, rows)
    page.object_list = queries.with_last_visits(page.object_list)
    return render(request, "grid/household_list.html", _context(request, page=page, q=q, query=_query(request)))


@login_required
def household_new(request):
    form = HouseholdForm(request.POST or None, user=request.user, initial={"grid": request.GET.get("grid")})
    if request.method == "POST" and form.is_valid():
        try:
            household = actions.do_add_household(request.user, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记住户 %(h)s") % {"h": household.head_name})
            return redirect("grid:household_detail", household.pk)
    return render(request, "grid/household_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def household_detail(request, pk):
    household = access_household(request.user, pk)
    return render(request, "grid/household_detail.html", _context(
        request, household=household, visits=queries.household_history(household),
    ))


@login_required
def household_edit(request, pk):
    household = access_household(request.user, pk, write=True)
    initial = {f: getattr(household, f) for f in ("grid", "head_name", "address", "members", "phone", "note", "active")}
    form = HouseholdForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_household(request.user, household, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已更新住户信息"))
            return redirect("grid:household_detail", household.pk)
    return render(request, "grid/household_form.html", {"form": form, "household": household},
                  status=400 if request.method == "POST" else 200)


def _period(request):
    form = PeriodForm(request.GET or None)
    default = queries.Period.this_year()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, queries.Period(data["start"] or default.start, data["end"] or default.end)
    return form, default


@login_required
def grid_detail(request, pk):
    grid = access_grid(request.user, pk)
    form, period = _period(request)
    return render(request, "grid/grid_detail.html", _context(
        request, period_form=form, **queries.grid_page(request.user, grid, period),
    ))


@login_required
def coverage(request):
    """走访覆盖率 per village, or per grid of one village, for a period."""
    form, period = _period(request)
    village = None
    if request.GET.get("village"):
        wanted = request.GET["village"]
        village = villages_for(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
        if village is None:
            raise Http404("村（社区）不存在")
    context = queries.coverage(request.user, period, village=village)
    keep = [("village", village.pk)] if village else []
    return render(request, "grid/coverage.html", _context(request, period_form=form, village_keep=keep, **context))


# ---- the ledger ----

@login_required
def ledger(request):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    rows = queries.ledger(request.user, **form.filters())
    return render(request, "grid/ledger.html", _context(
        request, filter_form=form, page=_page(request, rows), query=_query(request),
    ))


@login_required
def ledger_new(request):
    """A dispute reported otherwise than on a household visit (群众反映、部门移交…), onto the ledger and a case."""
    form = DisputeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.do_record_dispute(request.user, **form.action_kwargs())
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记矛盾纠纷，案件编号 %(n)s") % {"n": entry.case.number})
            return redirect("case_detail", entry.case.number)
    return render(request, "grid/ledger_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


# ---- the register of visitors and mediators ----

@login_required
def visitor_list(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in Visitor.Kind.values else None
    q = request.GET.get("q", "").strip()[:50]
    rows = queries.visitors(request.user, kind=kind, q=q)
    return render(request, "grid/visitor_list.html", _context(
        request, page=_page(request, rows, 50), kind=kind, kinds=Visitor.Kind.choices, q=q, query=_query(request),
    ))


@login_required
def visitor_new(request):
    form = VisitorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visitor = actions.do_add_visitor(request.user, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记 %(n)s") % {"n": visitor})
            return redirect("grid:visitors")
    return render(request, "grid/visitor_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def visitor_edit(request, pk):
    visitor = access_visitor(request.user, pk, write=True)
    initial = {
        "name": visitor.name, "kind": visitor.kind, "phone": visitor.phone, "grids": list(visitor.grids.all()),
        "specialities": visitor.specialities, "account": visitor.user_id, "active": visitor.active,
    }
    form = VisitorForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_visitor(request.user, visitor, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已更新 %(n)s") % {"n": visitor.name})
            return redirect("grid:visitors")
    return render(request, "grid/visitor_form.html", {"form": form, "visitor": visitor},
                  status=400 if request.method == "POST" else 200)


# ---- campaigns ----

@login_required
def campaign_list(request):
    return render(request, "grid/campaign_list.html", _context(request, campaigns=queries.campaigns(request.user)))


@login_required
def campaign_new(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.do_create_campaign(request.user, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已启动专项行动"))
            return redirect("grid:campaign_detail", campaign.pk)
    return render(request, "grid/campaign_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def campaign_detail(request, pk):
    campaign = access_campaign(request.user, pk)
    return render(request, "grid/campaign_detail.html", _context(
        request, campaign=campaign, **queries.campaign_figures(campaign),
    ))


# ---- key groups ----

@login_required
def key_people(request):
    group = request.GET.get("group") if request.GET.get("group") in KeyPerson.Group.values else None
    overdue = request.GET.get("overdue") == "1"
    rows = queries.key_people(request.user, group=group, overdue_only=overdue)
    return render(request, "grid/key_people.html", _context(
        request, rows=rows, group=group, groups=KeyPerson.Group.choices, overdue=overdue,
        overdue_count=queries.overdue_key_people_count(request.user),
        may_manage=authz.in_roles(request.user, authz.LEADERSHIP),
    ))


@login_required
def key_person_new(request):
    form = KeyPersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.do_list_key_person(request.user, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已列管 %(n)s") % {"n": person.name})
            return redirect("grid:key_person_detail", person.pk)
    return render(request, "grid/key_person_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _key_person_page(request, person, *, visit_form=None, unlist_form=None, status=200):
    return render(request, "grid/key_person_detail.html", _context(
        request, person=person, visits=queries.key_person_visits(person),
        visit_form=visit_form or KeyPersonVisitForm(user=request.user, person=person, prefix="visit"),
        unlist_form=unlist_form or UnlistForm(prefix="unlist"),
        may_manage=authz.in_roles(request.user, authz.LEADERSHIP), today=queries.Period.this_month().end,
    ), status=status)


@login_required
def key_person_detail(request, pk):
    person = access_key_person(request.user, pk)
    return _key_person_page(request, person)


@login_required
@require_POST
def key_person_visit(request, pk):
    person = access_key_person(request.user, pk, write=True)
    form = KeyPersonVisitForm(request.POST, user=request.user, prefix="visit")
    if form.is_valid():
        try:
            actions.do_record_key_person_visit(request.user, person, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已记录走访，下次走访期限 %(d)s") % {"d": person.next_visit_due})
            return redirect("grid:key_person_detail", person.pk)
    return _key_person_page(request, person, visit_form=form, status=400)


@login_required
@require_POST
def key_person_unlist(request, pk):
    person = access_key_person(request.user, pk, write=True)
    form = UnlistForm(request.POST, prefix="unlist")
    if form.is_valid():
        try:
            actions.do_unlist_key_person(request.user, person, **form.cleaned_data)
        except ActionError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已解除列管"))
            return redirect("grid:key_people")
    return _key_person_page(request, person, unlist_form=form, status=400)

