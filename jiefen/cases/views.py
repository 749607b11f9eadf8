import re
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.org import authz
from jiefen.org.models import Unit

from . import access, extensions, law, notices, queries, uploads
from .actions import ActionError, CaseChanged, do_case_action, do_register_case
from .actions.handover import do_hand_down
from .actions.intake import desk_initial
from .filters import CaseFilter
from .forms import HandDownForm, IntakeForm, PartyFormSet
from .mediation import flag_unkept_agreements, mediation_record
from .models import Channel, Party
from .personal import keyed_hash
from .similar import similar_matters
from .steps import registry


@login_required
def home(request):
    """Each role's first page: the leadership's workbench, the desk, a unit's open cases, else the case list."""
    user = request.user
    if authz.in_roles(user, authz.LEADERSHIP):
        return render(request, "cases/leader_home.html", queries.leader_home(user))
    if authz.hands_down(user):
        return redirect("hand_down")
    if authz.in_roles(user, authz.DESK):
        return redirect("desk")
    if authz.in_roles(user, authz.UNIT_WORKERS):
        return redirect(f"{reverse('case_list')}?status=open")
    return redirect("case_list")


@login_required
def desk(request):
    """一站式接待: one form for every channel; warns when these people already have an open case, and when they
    have a 终结 one (its same facts and reasons are not accepted again): then nothing is registered until the clerk
    says whether it is that matter again (终结后重复信访) or a new one."""
    initial = desk_initial(request.user)  # a walk-in now: the leader on duty today receives it (领导公开接访)
    duty_leader = initial.get("receiving_leader")
    form = IntakeForm(request.POST or None, user=request.user, initial=initial)
    parties = PartyFormSet(request.POST or None, prefix="party")
    duplicates, finals, warned = [], [], False
    intake = form.intake(parties) if request.method == "POST" and form.is_valid() and parties.is_valid() else None
    if intake is not None:
        finals = _final_cases_of(request.user, intake.parties)
        final_ids = {c.pk for c in finals}  # shown as 终结 only, not as an open case to add a visit to
        duplicates = [c for c in _open_cases_of(request.user, intake.parties) if c.pk not in final_ids]
        final_undecided = finals and intake.final_repeat_of is None and not form.cleaned_data.get("final_new")
        if final_undecided or (duplicates and not form.cleaned_data.get("confirm_new")):
            warned = True
            if duplicates:
                form.data = form.data.copy()
                form.data["confirm_new"] = "True"
        else:
            try:
                case = do_register_case(request.user, intake)
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                done = _("已登记，案件编号 %(n)s，查询码 %(c)s") % {"n": case.number, "c": case.query_code}
                if case.final_repeat_of_id:
                    done += _("。系终结后重复信访，同一事实和理由不再受理，请报领导作出不予受理决定")
                messages.success(request, done)
                return redirect("case_detail", case.number)
    elif form.has_error("final_repeat_of") and parties.is_valid():
        finals = _final_cases_of(request.user, parties.parties())  # the choice was refused: offer the cases again
    status = 400 if request.method == "POST" and not (duplicates or warned) else 200
    context = {
        "form": form, "parties": parties, "duplicates": duplicates, "duty_leader": duty_leader,
        "finals": finals, "final_rule": law.FINAL,
        # Panels of apps above the core (the portal's inbox of online items awaiting a decision).
        "panels": [panel(request.user) for panel in extensions.desk_panels],
    }
    return render(request, "cases/desk.html", context, status=status)


def _open_cases_of(user, parties):
    return _cases_of(queries.open_cases_of, user, parties)


def _final_cases_of(user, parties):
    return _cases_of(queries.final_cases_of, user, parties)


def _cases_of(find, user, parties):
    """The cases `find` (a query of queries taking an ID number hash and a phone hash) finds for any of `parties`
    (an intake's PartyInputs, or the desk's cleaned party rows), each once."""
    found = {}
    for party in parties:
        row = party if isinstance(party, dict) else vars(party)
        for case in find(keyed_hash(row.get("id_number")), keyed_hash(row.get("phone")), user):
            found[case.pk] = case
    return list(found.values())


@login_required
def hand_down(request):
    """交办、转送: the county's 信访局 sends an item to a township below it with the 交办单; below the form, the
    items its organ handed down and where each stands (报结 waiting for review first)."""
    if not authz.hands_down(request.user):
        raise PermissionDenied(_("只有县（区）级及以上机关的工作人员可以交办、转送信访事项"))
    form = HandDownForm(request.POST or None, user=request.user)
    parties = PartyFormSet(request.POST or None, prefix="party")
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        intake = form.intake(parties)
        if intake is not None:
            data = form.cleaned_data
            try:
                case = do_hand_down(
                    request.user, intake, mode=data["mode"], doc_number=data["doc_number"], due_on=data["due_on"],
                    requirements=data["requirements"],
                )
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("已%(mode)s%(town)s，交办单%(doc)s，案件编号 %(n)s") % {
                    "mode": case.handover.get_mode_display(), "town": case.centre.name,
                    "doc": case.handover.doc_number, "n": case.number,
                })
                return redirect("case_detail", case.number)
    return render(request, "cases/hand_down.html", {
        "form": form, "parties": parties, "handovers": queries.handovers_from(request.user),
    })


@login_required
@require_POST
def desk_check(request):
    """htmx: as the clerk types, what the desk has seen before: the person's 终结, open and closed cases (by ID
    number or phone), cases of the same name in the same village (a weaker hint), and similar past matters of the
    township by what the request says (similar.similar_matters), each with why it is listed."""
    user, data = request.user, request.POST
    id_hash = phone_hash = ""
    names = []
    for key, value in data.items():
        value = value.strip().upper()
        if key.endswith("-id_number") and len(value) == 18:
            id_hash = id_hash or keyed_hash(value)
        elif key.endswith("-phone") and len(value) >= 7:
            phone_hash = phone_hash or keyed_hash(value)
        elif key.endswith("-name") and key.startswith("party-"):
            names.append(data[key].strip()[:50])
    duplicates, finals, earlier = [], [], []
    if id_hash or phone_hash:
        finals = list(queries.final_cases_of(id_hash, phone_hash, user))
        final_ids = {c.pk for c in finals}
        duplicates = [c for c in queries.open_cases_of(id_hash, phone_hash, user) if c.pk not in final_ids]
        earlier = list(queries.earlier_cases_of(
            id_hash, phone_hash, user, exclude=final_ids | {c.pk for c in duplicates}
        ))
    seen = {c.pk for c in (*finals, *duplicates, *earlier)}
    township = authz.scope_of(user).centre
    village = _typed_village(township, data.get("village", ""))
    namesakes = list(queries.same_name_cases(names, village, user, exclude=seen))
    seen |= {c.pk for c in namesakes}
    typed = " ".join([data.get("request", ""), data.get("facts", ""), *names, village.name if village else ""])
    similar = similar_matters(user, typed[:4000], township, exclude=seen) if data.get("request", "").strip() else []
    return render(request, "cases/_duplicates.html", {
        "duplicates": duplicates, "finals": finals, "earlier": earlier, "namesakes": namesakes, "similar": similar,
        "final_rule": law.FINAL, **contact_preset(data),
    })


def _typed_village(township, value):
    if township is None or not re.fullmatch(r"[0-9]{1,9}", str(value)):
        return None
    return Unit.objects.filter(pk=int(value), path__startswith=township.path, kind=Unit.Kind.VILLAGE).first()


def contact_preset(data):
    """The channel and head count of the contact the desk is registering, to record it on an earlier case as it is
    (a call stays a call): {"contact_query": "channel=call&head_count=2", "contact_label": "来电"}, or {}."""
    channel = data.get("channel", "")
    if channel not in Channel.values:
        return {}
    heads = data.get("head_count", "")
    counted = re.fullmatch(r"[0-9]{1,4}", heads) and int(heads) > 0  # ASCII digits: int("²") fails
    query = {"channel": channel, **({"head_count": heads} if counted else {})}
    return {"contact_query": urlencode(query), "contact_label": Channel(channel).label, "contact_initial": query}


@login_required
def case_list(request):
    form = CaseFilter(request.GET or None, user=request.user).form
    rows = queries.case_list(request.user, **form.filters())
    page = Paginator(rows, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    flag_unkept_agreements(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    template = "cases/_case_table.html" if request.htmx and not request.htmx.boosted else "cases/case_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


def _detail_context(request, case, *, open_form=None):
    steps = []
    preset = contact_preset(request.GET) if open_form is None else {}
    for t in registry.available(request.user, case):
        form = open_form if open_form is not None and open_form.prefix == t.action else t.step.build_form(
            case, request.user, prefix=t.action
        )
        opened = form is open_form
        if preset and t.action == "contact":  # from the desk's repeat warning: the contact as the desk has it
            form.initial.update(preset["contact_initial"])
            opened = True
        steps.append({"t": t, "form": form, "open": opened})
    open_form_shown = any(step["open"] for step in steps)
    sections = []
    for section_of in extensions.case_page_sections:  # apps above the core show their own (包案与化解)
        steps, section = section_of(request.user, case, steps)
        if section:
            sections.append(section)
    page = queries.case_page(case)
    return {
        "open_form_shown": open_form_shown,
        "case": case,
        "steps": steps,
        "sections": sections,
        "identity_visible": access.may_see_identity(request.user, case),
        "may_reveal": access.may_reveal(request.user, case),
        "notices": [{"kind": code, "label": notices.NOTICES[code].title} for code in notices.available_notices(case)],
        "final_rule": law.FINAL,  # printed where the case is a 终结后重复信访
        **page,
        "mediation": mediation_record(case, page["events"]),
    }


@login_required
def case_detail(request, number):
    case = access.access_case(request.user, number)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_reveal(request, number, party_id, field):
    """htmx: show one party's full ID number or phone to a permitted user, and audit that it was shown."""
    case = access.access_case(request.user, number)
    value = access.reveal_party_field(request.user, case, party_id, field)
    response = render(request, "cases/_revealed.html", {"value": value})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_act(request, number, action):
    """Take one workflow step: validate its form, call the action, show the case again."""
    case = access.access_case(request.user, number, write=True)
    declared = registry.get(action)
    if declared is None:
        raise Http404
    form = declared.build_form(case, request.user, request.POST, request.FILES, prefix=action)
    status = 400
    if form.is_valid():
        try:
            do_case_action(request.user, case, action, **form.action_kwargs())
        except CaseChanged as error:
            messages.error(request, error.message)
            return redirect("case_detail", case.number)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            if isinstance(error, registry.StepRefused) and error.conflict:
                status = 409  # not in this state, or not now (a guard): the page is out of date
        else:
            messages.success(request, _("已%(label)s") % {"label": declared.label_for(case.kind)})
            return redirect("case_detail", case.number)
    case = access.access_case(request.user, number)
    context = _detail_context(request, case, open_form=form)
    if not context["open_form_shown"]:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_receipt(request, number):
    case = access.access_case(request.user, number)
    if request.GET.get("format") == "pdf":
        return _pdf(notices.render_receipt(case), f"回执-{case.number}.pdf")
    acceptance = case.deadlines.filter(rule__code="acceptance").select_related("rule").first()
    # As registered: the head count of the first contact, never the person-times that later contacts add.
    parties = [p for p in case.parties.all() if p.role != Party.Role.RESPONDENT]
    return render(request, "cases/receipt.html", {
        "case": case, "acceptance": acceptance, "head_count": notices.registered_heads(case),
        "representatives": [p for p in parties if p.role == Party.Role.REPRESENTATIVE],
        "signers": [p for p in parties if p.role != Party.Role.REPRESENTATIVE],
    })


@login_required
def case_notice(request, number, kind):
    case = access.access_case(request.user, number)
    try:
        pdf = notices.render_notice(case, kind)
    except notices.NoticeUnavailable:
        raise Http404
    return _pdf(pdf, f"{kind}-{case.number}.pdf")


@login_required
def case_issued(request, number, pk):
    """A document the case issued, as issued: the stored PDF, byte for byte (notices.pdf_of)."""
    case = access.access_case(request.user, number)
    issued = case.issued.filter(pk=pk).first()
    if issued is None:
        raise Http404
    try:
        pdf = notices.pdf_of(issued)
    except notices.NoticeUnavailable as refused:
        return HttpResponse(refused.message, status=409, content_type="text/plain; charset=utf-8")
    return _pdf(pdf, f"{issued.title}-{case.number}.pdf")


@login_required
def case_service_receipt(request, number, pk):
    """送达回证 of a document served: printed to be signed, its return recorded by a step."""
    case = access.access_case(request.user, number)
    issued = case.issued.filter(pk=pk, served_on__isnull=False).select_related("served_by").first()
    if issued is None:
        raise Http404
    return _pdf(notices.render_service_receipt(issued), f"送达回证-{issued.title}-{case.number}.pdf")


@login_required
def case_document(request, number, pk):
    """An uploaded material, to those who may see its case. MEDIA_ROOT itself is never served (no media URL)."""
    case = access.access_case(request.user, number)
    document = case.documents.exclude(file="").filter(pk=pk).first()
    if document is None:
        raise Http404
    kind = uploads.type_of_stored(document.file.name)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=not (kind and kind.inline),
        filename=document.original_name or f"{document.title}{kind.extension if kind else ''}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    # The content type is the one the check found; nothing in the file runs as a page of this site.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
