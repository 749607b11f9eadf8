"""The written notices of a case and the desk receipt (回执), as PDF laid out after GB/T 9704-2012.

受理告知书, 不予受理告知书, 处理意见书, 复查意见书 and 复核意见书 are served on the petitioner and filed with the case,
so ID numbers and phone numbers appear masked. What a notice says comes from the timeline event that made it due
(Event.data of `not_accept`, `reply`, `decide_review`, `decide_rereview`) and from the clock rows; the periods and
articles it cites come from the clock rules (clocks.ClockRule), which are configuration, not constants here.

Fonts are Debian's fonts-noto-cjk, found through fontconfig. Government intranets have no internet, so the URL
fetcher refuses every scheme but file: and a stray remote reference stops the rendering instead of hanging on it.
"""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from jiefen.clocks.calendar import compute_due
from jiefen.clocks.models import ClockRule

from .models import REFERRAL_ROUTES, Case, Channel, Deadline, Party, ReplyOutcome
from .personal import mask_id_number, mask_phone
from .steps import registry

# 版心 width (GB/T 9704: 156mm); the issuer line (发文机关标志) is sized to fit it.
TYPE_AREA_WIDTH_MM = 156
ISSUER_MAX_SIZE_MM = 15
REQUEST_SUMMARY_CHARS = 120

# How a matter came in, as the sentence "你于…{phrase}反映的" reads.
CHANNEL_PHRASES = {
    Channel.VISIT: gettext_lazy("来访"),
    Channel.LETTER: gettext_lazy("来信"),
    Channel.CALL: gettext_lazy("来电"),
    Channel.ONLINE: gettext_lazy("通过网上信访"),
    Channel.FAX: gettext_lazy("通过传真"),
    Channel.GRID: gettext_lazy("经网格排查"),
    Channel.ASSIGNED: gettext_lazy("经上级交办"),
}


class NoticeUnavailable(Exception):
    """The notice asked for does not apply to the case as its timeline stands."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NoticeKind:
    code: str
    title: str | Promise
    # The timeline event that makes this notice due; the notice reads that event's data.
    event: str
    # Word of the document number (发文字号代字): each document of a case gets a number of its own.
    word: str | Promise
    kinds: frozenset = frozenset({Case.Kind.PETITION, Case.Kind.DISPUTE})


PETITION_ONLY = frozenset({Case.Kind.PETITION})
DISPUTE_ONLY = frozenset({Case.Kind.DISPUTE})

# In lifecycle order: available_notices lists them in this order.
NOTICES = {
    n.code: n
    for n in [
        NoticeKind("acceptance_notice", gettext_lazy("受理告知书"), "accept", gettext_lazy("受告")),
        NoticeKind("non_acceptance_notice", gettext_lazy("不予受理告知书"), "not_accept", gettext_lazy("不受告")),
        NoticeKind("reply", gettext_lazy("处理意见书"), "reply", gettext_lazy("处"), PETITION_ONLY),
        NoticeKind("review_decision", gettext_lazy("复查意见书"), "decide_review", gettext_lazy("复查"), PETITION_ONLY),
        NoticeKind(
            "rereview_decision", gettext_lazy("复核意见书"), "decide_rereview", gettext_lazy("复核"), PETITION_ONLY
        ),
        NoticeKind("agreement", gettext_lazy("调解协议书"), "agree", gettext_lazy("协"), DISPUTE_ONLY),
        NoticeKind("referral", gettext_lazy("导入法定途径告知书"), "refer", gettext_lazy("引告"), DISPUTE_ONLY),
    ]
}


def available_notices(case):
    """The notice kinds the case's timeline supports so far, in lifecycle order."""
    done = set(case.events.values_list("kind", flat=True))
    return [n.code for n in NOTICES.values() if case.kind in n.kinds and n.event in done]


def render_notice(case, kind):
    """Render notice `kind` of `case` as PDF bytes; NoticeUnavailable if the case has not reached that step."""
    notice = NOTICES.get(kind)
    if notice is None:
        raise NoticeUnavailable(_("没有“%(kind)s”这种文书") % {"kind": kind})
    if case.kind not in notice.kinds:
        raise NoticeUnavailable(
            _("%(kind)s不适用%(title)s") % {"kind": case.get_kind_display(), "title": notice.title}
        )
    event = case.events.filter(kind=notice.event).order_by("-at", "-id").first()
    if event is None:
        raise NoticeUnavailable(
            _("本案尚无“%(step)s”的办理记录，不能出具%(title)s")
            % {"step": registry.label_for(notice.event, case.kind), "title": notice.title}
        )
    context = _common_context(case)
    context.update(_KIND_CONTEXT[kind](case, event))
    context["title"] = _prefix(case) + str(notice.title)
    context["doc_number"] = _doc_number(case, notice.word)
    return _pdf(f"notices/{kind}.html", context)


def render_receipt(case):
    """Render the receipt (回执) handed over at registration: how to track the case and when to expect an answer."""
    context = _common_context(case)
    deadline = case.deadlines.select_related("rule").filter(rule__code="acceptance").order_by("id").first()
    context.update(
        title=_prefix(case) + _("登记回执"),
        doc_number="",
        query_code=case.query_code,
        received_at=_cn_datetime(case.received_at),
        channel=case.get_channel_display(),
        request_summary=_summary(case.request),
        acceptance=_receipt_clock(deadline),
        issued_on=_cn_date(timezone.localdate(case.received_at)),
    )
    return _pdf("notices/receipt.html", context)


# Context per notice kind ------------------------------------------------------------------------------------------


def _acceptance_context(case, event):
    accepted_on = case.accepted_on or timezone.localdate(event.at)
    # The clock that acceptance starts: handling for a petition, mediation for a dispute.
    clock = (
        case.deadlines.select_related("rule")
        .filter(rule__start_event="accept", started_on=accepted_on)
        .order_by("id")
        .first()
    )
    context = {"accepted_on": _cn_date(accepted_on), "issued_on": _cn_date(accepted_on), "has_clock": clock is not None}
    if clock is not None:
        # The period as served on the day of acceptance; a later extension is told in its own notice.
        rule = clock.rule
        due = compute_due(clock.started_on, rule.length, rule.unit).due
        context.update(period_days=rule.length, period_due=_cn_date(due), period_basis=_article(rule))
    return context


def _non_acceptance_context(case, event):
    return {
        "reason": _clause(event.data.get("reason", "")),
        "lawful_channel": _clause(event.data.get("lawful_channel", "")),
        "issued_on": _cn_date(timezone.localdate(event.at)),
    }


def _reply_context(case, event):
    return _decision_context(case, event, window_code="review_window")


def _review_context(case, event):
    context = _decision_context(case, event, window_code="rereview_window")
    context.update(_earlier(case, event, decided="reply", requested="request_review"))
    return context


def _rereview_context(case, event):
    context = _decision_context(case, event, window_code=None)
    context.update(_earlier(case, event, decided="decide_review", requested="request_rereview"))
    hearing = case.events.filter(kind="start_hearing", at__lte=event.at).order_by("-at", "-id").first()
    context["hearing_on"] = _cn_date(timezone.localdate(hearing.at)) if hearing else ""
    context["final_basis"] = _article(_rule("rereview_decision"))
    return context


def _agreement_context(case, event):
    """调解协议书 (人民调解法 第二十八、二十九条): both sides, the facts, the terms, how and by when they are
    performed, signed by the parties and the mediators. The agreement is dated the day it was signed."""
    data = event.data
    signed_on = parse_date(data.get("signed_on", "")) or timezone.localdate(event.at)
    respondents = [
        {"name": p.name, "id_number": mask_id_number(p.id_number), "address": p.address}
        for p in case.parties.filter(role=Party.Role.RESPONDENT).order_by("id")
    ]
    return {
        "respondents": respondents,
        "facts": _paragraphs(data.get("facts") or case.facts or case.request),
        "terms": _paragraphs(data.get("terms", "")),
        "performance": _paragraphs(data.get("performance", "")),
        "mediators": data.get("mediators", ""),
        "signed_on": _cn_date(signed_on),
        "issued_on": _cn_date(signed_on),
    }


def _referral_context(case, event):
    """导入法定途径告知书: mediation failed; the lawful route and the guidance given to the parties."""

    failed = case.events.filter(kind="mediation_failed", at__lte=event.at).order_by("-at", "-id").first()
    route = event.data.get("route", "")
    return {
        "route": REFERRAL_ROUTES.get(route, route),
        "failure_reason": _clause(failed.note) if failed else "",
        "guidance": _paragraphs(event.note),
        "issued_on": _cn_date(timezone.localdate(event.at)),
    }


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_KIND_CONTEXT = {
    "acceptance_notice": _acceptance_context,
    "non_acceptance_notice": _non_acceptance_context,
    "reply": _reply_context,
    "review_decision": _review_context,
    "rereview_decision": _rereview_context,
    "agreement": _agreement_context,
    "referral": _referral_context,
}


def _decision_context(case, event, *, window_code):
    """A written decision (处理意见书, 复查意见书, 复核意见书) and, but for the last, the window to challenge it."""
    served_on = parse_date(event.data.get("served_on", "")) or timezone.localdate(event.at)
    context = {
        "outcome": ReplyOutcome(event.data["outcome"]).label,
        "paragraphs": [line.strip() for line in event.data.get("content", "").splitlines() if line.strip()],
        "served_on": _cn_date(served_on),
        # The written decision bears the day it was served: the only day of the document the timeline records.
        "issued_on": _cn_date(served_on),
    }
    if window_code:
        rule = _rule(window_code)
        window = case.deadlines.filter(rule=rule, started_on=served_on).order_by("-id").first()
        context.update(
            window_days=rule.length,
            window_basis=_article(rule),
            window_due=_cn_date(window.due_on) if window and window.due_on else "",
        )
    return context


def _earlier(case, event, *, decided, requested):
    """The decision being challenged and the day the challenge came in, both before `event`."""
    earlier = case.events.filter(at__lte=event.at).exclude(pk=event.pk).order_by("-at", "-id")
    decision = earlier.filter(kind=decided).first()
    request = earlier.filter(kind=requested).first()
    context = {"previous_served_on": "", "previous_outcome": "", "requested_on": ""}
    if decision is not None:
        served = parse_date(decision.data.get("served_on", ""))
        context["previous_served_on"] = _cn_date(served) if served else ""
        outcome = decision.data.get("outcome")
        context["previous_outcome"] = ReplyOutcome(outcome).label if outcome else ""
    if request is not None:
        requested_on = parse_date(request.data.get("requested_on", "")) or timezone.localdate(request.at)
        context["requested_on"] = _cn_date(requested_on)
    return context


def _receipt_clock(deadline):
    if deadline is None:
        return None
    # The warning is shown on its own line; drop its copy from the steps of the computation.
    steps = [s for s in deadline.explanation.split(" → ") if s and not s.startswith("⚠")]
    return {
        "exempt": deadline.state == Deadline.State.EXEMPT,
        "days": deadline.rule.length,
        "basis": _article(deadline.rule),
        "due_on": _cn_date(deadline.due_on) if deadline.due_on else "",
        "explanation": " → ".join(steps),
        # The stored warning asks an administrator to load a schedule; the citizen is told what it means for them.
        "provisional": bool(deadline.warning),
    }


# Shared parts ------------------------------------------------------------------------------------------------------


def _common_context(case):
    centre = case.centre
    issuer = _("%(centre)s矛盾纠纷调处化解中心") % {"centre": centre.name}
    petitioners = [
        {
            "name": p.name,
            "role": p.get_role_display(),
            "id_number": mask_id_number(p.id_number),
            "phone": mask_phone(p.phone),
            "address": p.address,
        }
        for p in case.parties.exclude(role=Party.Role.RESPONDENT).order_by("id")
    ]
    first = petitioners[0]["name"] if petitioners else _("信访人")
    several = len(petitioners) > 1
    return {
        "case_number": case.number,
        "issuer": issuer,
        "issuer_size_mm": min(ISSUER_MAX_SIZE_MM, round(TYPE_AREA_WIDTH_MM * 0.94 / max(len(issuer), 1), 1)),
        "petitioners": petitioners,
        "addressee": _("%(name)s等%(n)s人") % {"name": first, "n": len(petitioners)} if several else first,
        "you": _("你们") if several else _("你"),
        "is_dispute": case.kind == Case.Kind.DISPUTE,
        "received_on": _cn_date(timezone.localdate(case.received_at)),
        "channel_phrase": CHANNEL_PHRASES.get(case.channel, case.get_channel_display()),
        "request_summary": _summary(case.request),
    }


def _doc_number(case, word):
    """发文字号 from the case number "330101-2026-00012" and the notice's word: 青山镇信访受告〔2026〕12号."""
    match = re.fullmatch(r".*-(\d{4})-(\d+)", case.number)
    year, serial = (match[1], int(match[2])) if match else (timezone.localdate(case.received_at).year, case.number)
    area = _("矛调") if case.kind == Case.Kind.DISPUTE else _("信访")
    return _("%(centre)s%(area)s%(word)s〔%(year)s〕%(serial)s号") % {
        "centre": case.centre.name, "area": area, "word": word, "year": year, "serial": serial,
    }


def _prefix(case):
    return _("矛盾纠纷") if case.kind == Case.Kind.DISPUTE else _("信访事项")


def _rule(code):
    try:
        return ClockRule.objects.get(code=code)
    except ClockRule.DoesNotExist:
        raise NoticeUnavailable(
            _("期限规则“%(code)s”未配置，请管理员在法定期限规则中补充后再出具文书") % {"code": code}
        )


def _article(rule):
    """The citation part of a rule's legal basis.

    "《信访工作条例》第三十六条：自收到…" → "《信访工作条例》第三十六条"."""
    return re.split(r"[：:]", rule.legal_basis, maxsplit=1)[0].strip()


def _summary(text):
    return Truncator(" ".join((text or "").split())).chars(REQUEST_SUMMARY_CHARS)


def _clause(text):
    """Text set inside a sentence of the notice: without its own closing punctuation."""
    return (text or "").strip().rstrip("。．.；;，,")


def _cn_date(day):
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _cn_datetime(moment):
    local = timezone.localtime(moment)
    return f"{_cn_date(local.date())} {local:%H:%M}"


def offline_url_fetcher():
    """A WeasyPrint URL fetcher for machines without internet: file: only, and a refused URL stops the rendering."""
    return URLFetcher(allowed_protocols={"file"}, fail_on_errors=True)


def _pdf(template, context):
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
