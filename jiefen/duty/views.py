import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.clocks.calendar import WorkCalendar
from jiefen.org.models import Unit

from . import pdf
from .access import access_centre, access_shift, centres_for
from .forms import EditDayForm, GenerateForm, SwapForm
from .models import DutyShift
from .queries import add_months, month_roster, parse_month, read_month, recent_changes
from .services import DutyError, day_label, edit_day, generate_month, may_manage, may_swap, swap_days, uncovered_days


def _month_url(centre, year, month, user=None):
    query = f"?month={year}-{month:02d}"
    if user is not None and centres_for(user).count() > 1:
        query += f"&centre={centre.code}"
    return reverse("duty_calendar") + query


def _month_links(year, month):
    return {
        "prev_month": "{:d}-{:02d}".format(*add_months(year, month, -1)),
        "next_month": "{:d}-{:02d}".format(*add_months(year, month, 1)),
    }


def _manager_centre(request):
    centre = access_centre(request.user, request.GET.get("centre"))
    if not may_manage(request.user, centre):
        raise PermissionDenied(_("只有本中心主任（管理员）可以生成或调整值班表"))
    return centre


def _add_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def calendar(request):
    """The month's roster of a centre: who is on duty each working day, gaps, and who may change what."""
    centre = access_centre(request.user, request.GET.get("centre"))
    year, month = parse_month(request.GET.get("month"))
    centres = list(centres_for(request.user))
    return render(request, "duty/calendar.html", {
        "centre": centre,
        "centres": centres,
        "centre_query": f"&centre={centre.code}" if len(centres) > 1 else "",
        "may_manage": may_manage(request.user, centre),
        "changes": recent_changes(centre),
        "upcoming_gaps": uncovered_days(centre),
        **month_roster(centre, year, month, request.user),
        **_month_links(year, month),
    })


@login_required
def generate(request):
    centre = _manager_centre(request)
    form = GenerateForm(request.POST or None, centre=centre, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["month"]
        try:
            data = form.cleaned_data
            result = generate_month(centre, year, month, data["leaders"], request.user, overwrite=data["overwrite"])
        except DutyError as error:
            _add_error(form, error)
        else:
            text = _("已生成%(y)s年%(m)s月值班表：排定%(n)s个工作日") % {"y": year, "m": month, "n": len(result.shifts)}
            if result.kept:
                text += _("，已有安排的%(n)s天保持不变") % {"n": len(result.kept)}
            messages.success(request, text)
            if result.warning:
                messages.warning(request, result.warning)
            return redirect(_month_url(centre, year, month))
    status = 400 if request.method == "POST" else 200
    return render(request, "duty/generate.html", {"centre": centre, "form": form}, status=status)


@login_required
def edit(request, day):
    centre = _manager_centre(request)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404
    shift = DutyShift.objects.filter(centre=centre, date=date).first()
    initial = {"leader": shift.leader_id, "note": shift.note} if shift else None
    form = EditDayForm(request.POST or None, centre=centre, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edit_day(centre, date, data["leader"], request.user, note=data["note"], reason=data["reason"])
        except DutyError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("已调整%(day)s的值班") % {"day": day_label(date)})
            return redirect(_month_url(centre, date.year, date.month))
    return render(request, "duty/edit.html", {
        "centre": centre, "form": form, "date": date, "day_label": day_label(date), "shift": shift,
        "info": WorkCalendar([date.year]).day(date),
    }, status=400 if request.method == "POST" else 200)


@login_required
def swap(request, pk):
    shift = access_shift(request.user, pk)
    if not may_swap(request.user, shift):
        raise PermissionDenied(_("只能调换本人的值班；其他调整请联系中心主任"))
    form = SwapForm(request.POST or None, shift=shift)
    if request.method == "POST" and form.is_valid():
        try:
            swap_days(shift, form.cleaned_data["other"], form.cleaned_data["reason"], request.user)
        except DutyError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("已调班"))
            return redirect(_month_url(shift.centre, shift.date.year, shift.date.month, request.user))
    return render(request, "duty/swap.html", {
        "centre": shift.centre, "shift": shift, "form": form, "day_label": day_label(shift.date),
        "is_past": shift.date < timezone.localdate(),
    }, status=400 if request.method == "POST" else 200)


# Public: 领导公开接访. Names and dates only, no login. ---------------------------------------------------------------


def _public_centre(code):
    return get_object_or_404(Unit, code=code, kind=Unit.Kind.TOWNSHIP)


def public_roster(request, code):
    centre = _public_centre(code)
    year, month = parse_month(request.GET.get("month"))
    roster = month_roster(centre, year, month)
    return render(request, "duty/public.html", {"centre": centre, **roster, **_month_links(year, month)})


def public_pdf(request, code, month):
    centre = _public_centre(code)
    parsed = read_month(month)
    if parsed is None:
        raise Http404
    year, month = parsed
    # Rendering costs CPU: only months that have a roster get a sheet.
    if not DutyShift.objects.filter(centre=centre, date__year=year, date__month=month).exists():
        raise Http404("本月接访安排尚未公布")
    filename = _("%(centre)s领导接访安排表-%(y)s年%(m)s月.pdf") % {"centre": centre.name, "y": year, "m": month}
    response = HttpResponse(pdf.render_month(centre, year, month), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
