"""The written notices of a case and the desk receipt (回执), as PDF laid out after GB/T 9704-2012.

受理告知书, 不予受理告知书, 转送告知书, 延期告知书 and 处理意见书 are served on the petitioner and filed with the
case, so ID numbers and phone numbers appear masked. Each is issued by the organ that handles the matter
(jiefen.org.organs: the township's 人民政府, or a county department), never by the centre, which has no legal
personality; a dispute's 调解协议书 and 导入法定途径告知书 are the people's mediation committee's. 复查 and 复核
opinions are the organs above's documents: issued here in their name when their own staff decide on jiefen, only
recorded (jiefen.cases.steps.review) when they decided on paper. The 交办单 of an item handed down is its sender's
(jiefen.cases.actions.handover), a document between organs that the petitioner is not served.

A notice is issued by the step that makes it due: `issue` (called by steps.perform after every step) fixes what it
says then, from the step's event (Event.data of `not_accept`, `reply`, ...), the clock rows and the case, into an
IssuedDocument row. The PDF is made from that row once, on first print, and stored with its SHA-256: every later
print is that file, byte for byte, whatever changed on the case since. The periods and articles a notice cites come
from the clock rules (clocks.ClockRule) and jiefen.cases.law, never from constants here.

Fonts are Debian's fonts-noto-cjk, found through fontconfig. Government intranets have no internet, so the URL
fetcher refuses every scheme but file: and a stray remote reference stops the rendering instead of hanging on it.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
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
from jiefen.org import organs

from . import law
from .models import REFERRAL_ROUTES, Case, Channel, Deadline, IssuedDocument, LegalClass, Party, ReplyOutcome
from .personal import mask_id_number, mask_phone
from .steps import perform as step_write
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


# Who issues a notice: the organ handling the matter, the people's mediation committee, or an organ above acting on
# jiefen (registry.acting_organ: the sender of an item handed down, the 复查 or the 复核 organ).
ORGAN, COMMITTEE = "organ", "committee"
SENDER, REVIEW_ORGAN, REREVIEW_ORGAN = "sender", "review_organ", "rereview_organ"


def _on_jiefen(event):
    """A decision of an organ above taken on jiefen by its own staff (not recorded from its paper)."""
    return bool(event.data.get("on_jiefen"))


def _review_level(level):
    def when(event):
        return _on_jiefen(event) and event.data.get("level") == level

    return when


@dataclass(frozen=True)
class NoticeKind:
    code: str
    title: str | Promise
    # The timeline event that issues this notice; the notice reads that event's data.
    event: str
    # Word of the document number (发文字号代字): each document of a case gets a number of its own.
    word: str | Promise
    kinds: frozenset = frozenset({Case.Kind.PETITION, Case.Kind.DISPUTE})
    # Who issues it: the organ handling the matter, the people's mediation committee, or an organ above.
    issuer: str = ORGAN
    # Other events that issue it, and a test of the event (None: every one issues it).
    also: tuple = ()
    when: Callable[[Any], bool] | None = None
    # Served on the petitioner (offered on the tracking page); False for documents between organs.
    served: bool = True

    @property
    def events(self):
        return (self.event, *self.also)

    def issued_by(self, event):
        return event.kind in self.events and (self.when is None or self.when(event))


PETITION_ONLY = frozenset({Case.Kind.PETITION})
DISPUTE_ONLY = frozenset({Case.Kind.DISPUTE})

# In lifecycle order: available_notices lists them in this order.
NOTICES = {
    n.code: n
    for n in [
        NoticeKind("acceptance_notice", gettext_lazy("受理告知书"), "accept", gettext_lazy("受告")),
        NoticeKind("non_acceptance_notice", gettext_lazy("不予受理告知书"), "not_accept", gettext_lazy("不受告")),
        NoticeKind("forward_notice", gettext_lazy("转送告知书"), "forward", gettext_lazy("转告"), PETITION_ONLY),
        NoticeKind("extension_notice", gettext_lazy("延期告知书"), "extend", gettext_lazy("延告"), PETITION_ONLY),
        NoticeKind("reply", gettext_lazy("处理意见书"), "reply", gettext_lazy("处"), PETITION_ONLY),
        NoticeKind("agreement", gettext_lazy("调解协议书"), "agree", gettext_lazy("协"), DISPUTE_ONLY, COMMITTEE),
        NoticeKind(
            "referral", gettext_lazy("导入法定途径告知书"), "refer", gettext_lazy("引告"), DISPUTE_ONLY, COMMITTEE
        ),
        NoticeKind("review_opinion", gettext_lazy("复查意见书"), "decide_review", gettext_lazy("复"), PETITION_ONLY,
                   REVIEW_ORGAN, also=("review_remand",), when=_review_level(1)),
        NoticeKind("rereview_opinion", gettext_lazy("复核意见书"), "decide_rereview", gettext_lazy("复核"),
                   PETITION_ONLY, REREVIEW_ORGAN, also=("review_remand",), when=_review_level(2)),
        # Not for an item entered from the sender's own file: that 交办单 is the sender's, issued there.
        NoticeKind("handover_slip", gettext_lazy("交办单"), "hand_down", gettext_lazy("交"), issuer=SENDER,
                   served=False, when=lambda event: not event.data.get("from_file")),
        NoticeKind("transfer_letter", gettext_lazy("转送函"), "forward", gettext_lazy("转"), PETITION_ONLY,
                   when=lambda event: bool(event.data.get("to_centre")), served=False),
    ]
}

# What the written answer is called by legal class: a 信访处理意见书 answers a 申诉求决 matter (第三十一条第六项);
# a suggestion is answered (回复, 第二十九条), an accusation's handling is fed back (反馈, 第三十条).
ANSWER_TITLES = {
    LegalClass.CLAIM: gettext_lazy("处理意见书"),
    LegalClass.SUGGESTION: gettext_lazy("建议意见答复书"),
    LegalClass.ACCUSATION: gettext_lazy("检举控告办理情况反馈书"),
}


def title_of(case, notice):
    """The notice's title as printed: "信访事项受理告知书", "信访事项处理意见书", "矛盾纠纷调解协议书"."""
    title = ANSWER_TITLES.get(case.legal_class, notice.title) if notice.code == "reply" else notice.title
    if notice.code == "handover_slip" and case.handover.mode == "forward":
        title = _("转送函") if case.handover.from_case_id else _("转送单")
    return _prefix(case) + str(title)


def _notice_events(case):
    """The case's events that issue a notice, newest first, with each notice they issue."""
    kinds = {kind for n in NOTICES.values() for kind in n.events}
    return [
        (event, notice)
        for event in case.events.filter(kind__in=kinds).order_by("-at", "-id")
        for notice in _notices_for(case, event)
    ]


def _notices_for(case, event):
    """The notices step `event` issues (a 转送 within jiefen: the 转送告知书 and the 转送函)."""
    return [n for n in NOTICES.values() if case.kind in n.kinds and n.issued_by(event)]


def available_notices(case, *, petitioner=False):
    """The notice kinds the case's timeline supports so far, in lifecycle order; with `petitioner`, only those
    served on the petitioner (the tracking page)."""
    done = {notice.code for _event, notice in _notice_events(case)}
    return [n.code for n in NOTICES.values() if n.code in done and (n.served or not petitioner)]


def issue(case, event):
    """Issue the notice that step `event` makes due, if any: fix what it says now, as an IssuedDocument.

    Called by steps.perform after the step's clocks moved, inside its transaction; returns the row or None."""
    issued = [_freeze(case, event, notice) for notice in _notices_for(case, event)]
    return issued[0] if issued else None


def _freeze(case, event, notice):
    context = _common_context(case, notice)
    context.update(_KIND_CONTEXT[notice.code](case, event))
    earlier = case.issued.filter(kind=notice.code).exclude(event=event).count()
    # An organ above numbers its own documents (the number its staff gave the decision or the 交办单), and a
    # 转送函 bears the number the transfer registered under.
    numbered = notice.issuer not in (ORGAN, COMMITTEE) or notice.code == "transfer_letter"
    doc_number = event.data.get("doc_number") if numbered else None
    doc_number = doc_number or _doc_number(case, context["organ_doc_code"], notice.word, earlier)
    title = title_of(case, notice)
    context.update(title=title, doc_number=doc_number)
    return IssuedDocument.objects.create(
        case=case, event=event, kind=notice.code, title=title, issuer=context["issuer"], doc_number=doc_number,
        content=_plain(context), issued_on=parse_date(context["issued_on_iso"]),
    )


def issued_notice(case, kind):
    """The latest IssuedDocument of `kind` on `case`; NoticeUnavailable if the case has not reached that step.

    A case whose step was taken before notices were kept as issued (or loaded in bulk) gets its row now."""
    notice = NOTICES.get(kind)
    if notice is None:
        raise NoticeUnavailable(_("没有“%(kind)s”这种文书") % {"kind": kind})
    if case.kind not in notice.kinds:
        raise NoticeUnavailable(
            _("%(kind)s不适用%(title)s") % {"kind": case.get_kind_display(), "title": notice.title}
        )
    event = next((e for e, n in _notice_events(case) if n.code == kind), None)
    if event is None:
        raise NoticeUnavailable(
            _("本案尚无“%(step)s”的办理记录，不能出具%(title)s")
            % {"step": registry.label_for(notice.event, case.kind), "title": notice.title}
        )
    found = case.issued.filter(event=event, kind=kind).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _freeze(case, event, notice)
    except IntegrityError:  # another first print froze it meanwhile
        return case.issued.get(event=event, kind=kind)


def render_notice(case, kind):
    """The PDF of notice `kind` of `case` as issued: made once from what the step fixed, then the stored file."""
    return pdf_of(issued_notice(case, kind))


def pdf_of(issued):
    """The PDF bytes of an issued document: rendered and stored on first print, the stored file ever after."""
    with transaction.atomic():
        issued = IssuedDocument.objects.select_for_update().get(pk=issued.pk)
        if issued.pdf:
            try:
                with issued.pdf.open("rb") as handle:
                    stored = handle.read()
            except OSError:
                stored = b""  # gone: told below like a damaged copy
            # The file is what was served only while its hash says so: a changed or damaged copy is never handed
            # out as the original.
            if hashlib.sha256(stored).hexdigest() != issued.sha256:
                raise NoticeUnavailable(
                    _("%(title)s（%(number)s）的存档文件与送达时的校验值不符，请从备份中恢复后再打印")
                    % {"title": issued.title, "number": issued.doc_number}
                )
            return stored
        pdf = _pdf(f"notices/{issued.kind}.html", issued.content)
        issued.sha256 = hashlib.sha256(pdf).hexdigest()
        issued.pdf.save(f"{issued.case.number}-{issued.kind}-{issued.pk}.pdf", ContentFile(pdf), save=False)
        issued.save(update_fields=["pdf", "sha256"])
        return pdf


def render_service_receipt(issued):
    """送达回证 of an issued document: what was served on whom, by which method, with room for the signature."""
    context = dict(issued.content)
    context.update(
        title=_("送达回证"),
        doc_number="",
        served_title=issued.title,
        served_number=issued.doc_number,
        service_method=issued.get_service_method_display(),
        served_on=_cn_date(issued.served_on) if issued.served_on else "",
        served_by=issued.served_by.display_name if issued.served_by_id else "",
    )
    return _pdf("notices/service_receipt.html", context)


def _plain(value):
    """`value` with lazy translations made text, so that it can be kept as JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Promise):
        return str(value)
    return value


def render_receipt(case):
    """Render the receipt (回执) handed over at registration: how to track the case and when to expect an answer."""
    context = _common_context(case, NOTICES["acceptance_notice"])
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


def _dated(day):
    return {"issued_on": _cn_date(day), "issued_on_iso": day.isoformat()}


def _acceptance_context(case, event):
    accepted_on = case.accepted_on or timezone.localdate(event.at)
    # The clock that acceptance starts: handling for a 申诉求决 matter, mediation for a dispute.
    clock = (
        case.deadlines.select_related("rule")
        .filter(rule__start_event="accept", started_on=accepted_on)
        .order_by("id")
        .first()
    )
    context = {"accepted_on": _cn_date(accepted_on), "has_clock": clock is not None, **_dated(accepted_on)}
    if clock is not None:
        # The period as served on the day of acceptance; a later extension is told in its own notice.
        rule = clock.rule
        due = compute_due(clock.started_on, rule.length, rule.unit).due
        context.update(period_days=rule.length, period_due=_cn_date(due), period_basis=_article(rule))
    context["is_suggestion"] = case.legal_class == LegalClass.SUGGESTION
    context["class_basis"] = {
        LegalClass.SUGGESTION: str(law.SUGGESTION), LegalClass.ACCUSATION: str(law.ACCUSATION),
    }.get(case.legal_class, "")
    return context


def _non_acceptance_context(case, event):
    return {
        "reason": _clause(event.data.get("reason", "")),
        "lawful_channel": _clause(event.data.get("lawful_channel", "")),
        **_dated(timezone.localdate(event.at)),
    }


def _forward_context(case, event):
    return {
        "organ": event.data.get("organ", ""),
        "forward_basis": str(law.FORWARD),
        **_dated(timezone.localdate(event.at)),
    }


def _extension_context(case, event):
    handling = _rule("handling")
    due = parse_date(event.data.get("due_on", ""))
    accepted_on = case.accepted_on or timezone.localdate(case.received_at)
    return {
        "accepted_on": _cn_date(accepted_on),
        "days": event.data.get("days", ""),
        "reason": _clause(event.note),
        "due": _cn_date(due) if due else "",
        "basis": _article(handling),
        **_dated(timezone.localdate(event.at)),
    }


def _reply_context(case, event):
    served_on = parse_date(event.data.get("served_on", "")) or timezone.localdate(event.at)
    context = {
        "outcome": ReplyOutcome(event.data["outcome"]).label,
        "paragraphs": _paragraphs(event.data.get("content", "")),
        "served_on": _cn_date(served_on),
        # The written decision bears the day it was served: the only day of the document the timeline records.
        **_dated(served_on),
        "is_claim": case.legal_class == LegalClass.CLAIM,
        "outcome_basis": str(law.OPINION_OUTCOMES),
    }
    if context["is_claim"]:
        rule = _rule("review_window")
        window = case.deadlines.filter(rule=rule, started_on=served_on).order_by("-id").first()
        above = organs.organ_above(organs.handling_organ(case))
        context.update(
            window_days=rule.length,
            window_basis=_article(rule),
            window_due=_cn_date(window.due_on) if window and window.due_on else "",
            review_organ=above.name if above else _("原办理机关的上一级机关"),
        )
    else:
        context["class_basis"] = str(law.ACCUSATION if case.legal_class == LegalClass.ACCUSATION else law.SUGGESTION)
        context["is_suggestion"] = case.legal_class == LegalClass.SUGGESTION
    return context


def _agreement_context(case, event):
    """调解协议书 (人民调解法): both sides' particulars, the facts, the terms, how and by when they are performed,
    signed by the parties and the mediators. The agreement is dated the day it was signed."""
    data = event.data
    signed_on = parse_date(data.get("signed_on", "")) or timezone.localdate(event.at)
    respondents = [
        _particulars(p, basic=True) for p in case.parties.filter(role=Party.Role.RESPONDENT).order_by("id")
    ]
    petitioners = [
        _particulars(p, basic=True) for p in case.parties.exclude(role=Party.Role.RESPONDENT).order_by("id")
    ]
    return {
        "petitioners": petitioners,
        "respondents": respondents,
        "facts": _paragraphs(data.get("facts") or case.facts or case.request),
        "terms": _paragraphs(data.get("terms", "")),
        "performance": _paragraphs(data.get("performance", "")),
        "mediators": data.get("mediators", ""),
        "binding_basis": law.AGREEMENT_BINDING.cite,
        "confirmation_basis": law.JUDICIAL_CONFIRMATION.cite,
        "signed_on": _cn_date(signed_on),
        **_dated(signed_on),
    }


def _referral_context(case, event):
    """导入法定途径告知书: mediation failed; the lawful route and the guidance given to the parties."""

    failed = case.events.filter(kind="mediation_failed", at__lte=event.at).order_by("-at", "-id").first()
    route = event.data.get("route", "")
    return {
        "route": REFERRAL_ROUTES.get(route, route),
        "failure_reason": _clause(failed.note) if failed else "",
        "guidance": _paragraphs(event.note),
        **_dated(timezone.localdate(event.at)),
    }


def _review_opinion_context(case, event):
    """复查意见书 / 复核意见书 of the organ above, decided on jiefen: what it reviewed, its conclusion, and what may
    follow (复核 within its window, or nothing: 终结)."""
    data = event.data
    level = data.get("level", 1)
    served_on = parse_date(data.get("served_on", "")) or timezone.localdate(event.at)
    request = case.events.filter(
        kind="request_rereview" if level == 2 else "request_review", id__lt=event.id,
    ).order_by("-id").first()
    requested_on = parse_date(request.data.get("requested_on", "")) if request else None
    reviewed = organs.organ_above(organs.handling_organ(case)) if level == 2 else organs.handling_organ(case)
    outcome = data.get("outcome", "")
    remand = outcome == "revoke"
    # A 复查 decides on the 处理意见; a 复核 on the 复查意见 (and, revoking, sends the matter back to be handled again).
    phrases = {
        "uphold": _("维持原处理意见"), "vary": _("变更原处理意见"), "revoke": _("撤销原处理意见，责令重新办理"),
    } if level == 1 else {
        "uphold": _("维持复查意见"), "vary": _("变更复查意见"), "revoke": _("撤销复查意见和原处理意见，责令重新办理"),
    }
    decision_rule = _rule("rereview_decision" if level == 2 else "review_decision")
    context = {
        "word": _("复核") if level == 2 else _("复查"),
        "reviewed_organ": reviewed.name if reviewed else _("原办理机关"),
        "handling_organ": organs.handling_organ(case).name,
        "reviewed_title": _("复查意见") if level == 2 else str(ANSWER_TITLES[LegalClass.CLAIM]),
        "requested_on": _cn_date(requested_on) if requested_on else "",
        "paragraphs": _paragraphs(data.get("content", "")),
        "outcome_phrase": phrases.get(outcome, outcome),
        "basis": _article(decision_rule),
        "final": level == 2 and not remand,
        "remand": remand,
        "final_basis": str(law.FINAL),
        **_dated(served_on),
    }
    if level == 1 and not remand:
        window = _rule("rereview_window")
        above = organs.organ_above(registry.acting_organ(case, REVIEW_ORGAN))
        context.update(
            window_days=window.length, window_basis=_article(window),
            next_organ=above.name if above else _("复查机关的上一级机关"),
        )
    return context


def _transfer_letter_context(case, event):
    """转送函 to another township on jiefen: the matter, sent to the organ that owns it, feedback asked for."""
    names = [p.name for p in case.parties.exclude(role=Party.Role.RESPONDENT).order_by("id")]
    return {
        "to_organ": event.data.get("organ", ""),
        "mode_word": _("转送"),
        "is_assign": False,
        "feedback": True,
        "petitioner_names": "、".join(names) or _("信访人"),
        "legal_class": case.get_legal_class_display(),
        "due": "",
        "requirements": _clause(event.note),
        "objection_basis": _article(_rule("objection_window")),
        "we_name": organs.handling_organ(case).name,
        **_dated(timezone.localdate(event.at)),
    }


def _handover_slip_context(case, event):
    """交办单 (转送单): what the sender hands down, to whom, by when; the receiving organ's duties on receipt."""
    handover = case.handover
    names = [p.name for p in case.parties.exclude(role=Party.Role.RESPONDENT).order_by("id")]
    objection = _rule("objection_window")
    due = handover.due_on
    return {
        "to_organ": organs.handling_organ(case).name,
        "mode_word": _("交由") if handover.mode == "assign" else _("转送"),
        "is_assign": handover.mode == "assign",
        "feedback": handover.from_case_id is not None,
        "petitioner_names": "、".join(names) or _("信访人"),
        "legal_class": case.get_legal_class_display(),
        "due": _cn_date(due) if due else "",
        "requirements": _clause(handover.requirements),
        "objection_basis": _article(objection),
        "we_name": handover.from_organ,
        **_dated(timezone.localdate(handover.sent_at)),
    }


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_KIND_CONTEXT = {
    "acceptance_notice": _acceptance_context,
    "non_acceptance_notice": _non_acceptance_context,
    "forward_notice": _forward_context,
    "extension_notice": _extension_context,
    "reply": _reply_context,
    "agreement": _agreement_context,
    "referral": _referral_context,
    "review_opinion": _review_opinion_context,
    "rereview_opinion": _review_opinion_context,
    "handover_slip": _handover_slip_context,
    "transfer_letter": _transfer_letter_context,
}


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


def _particulars(party, *, basic=False):
    """A party as a served document names them: masked ID number, phone and address; with `basic`, the sex and
    the year and month of birth the ID number encodes (the 基本情况 of a 调解协议书). Never the day of birth: with
    the masked number's first and last digits it would give the number away."""
    born, sex = "", ""
    number = party.id_number or ""
    if basic and len(number) == 18 and number[:17].isdigit():
        born = _("%(y)s年%(m)s月") % {"y": number[6:10], "m": int(number[10:12])}
        sex = _("男") if int(number[16]) % 2 else _("女")
    return {
        "name": party.name,
        "role": party.get_role_display(),
        "role_code": party.role,
        "id_number": mask_id_number(party.id_number),
        "phone": mask_phone(party.phone),
        "address": party.address,
        "sex": sex,
        "born": born,
    }


def registered_heads(case):
    """How many came when the matter was registered (the first contact's head count; 1 without contacts)."""
    first = case.contacts.order_by("occurred_at", "id").values_list("head_count", flat=True).first()
    return first or 1


def _common_context(case, notice):
    # A dispute is the people's mediation committee's from its acceptance on.
    committee = notice.issuer == COMMITTEE or (case.kind == Case.Kind.DISPUTE and notice.issuer == ORGAN)
    if committee:
        issuer, doc_code = organs.mediation_committee(case), _("%(name)s调") % {"name": case.centre.name}
    elif notice.issuer != ORGAN:
        organ = registry.acting_organ(case, notice.issuer)
        issuer, doc_code = organ.name, organ.doc_code
    else:
        organ = organs.handling_organ(case)
        issuer, doc_code = organ.name, organ.doc_code
    petitioners = [_particulars(p) for p in case.parties.exclude(role=Party.Role.RESPONDENT).order_by("id")]
    first = petitioners[0]["name"] if petitioners else _("信访人")
    # A group names itself by how many came, not by how many it sent to speak: a visit of 6 with 5 representatives
    # is "陈大山等6人", as registered (the first contact's head count, fixed at registration).
    heads = max(len(petitioners), registered_heads(case))
    several = heads > 1
    return {
        "case_number": case.number,
        "issuer": issuer,
        "organ_doc_code": doc_code,
        "issuer_size_mm": min(ISSUER_MAX_SIZE_MM, round(TYPE_AREA_WIDTH_MM * 0.94 / max(len(issuer), 1), 1)),
        "petitioners": petitioners,
        "addressee": _("%(name)s等%(n)s人") % {"name": first, "n": heads} if several else first,
        "head_count": heads,
        "representatives": [p for p in petitioners if p["role_code"] == Party.Role.REPRESENTATIVE],
        "signers": [p for p in petitioners if p["role_code"] != Party.Role.REPRESENTATIVE],
        "you": _("你们") if several else _("你"),
        "we": _("本委员会") if committee else _("本机关"),
        "is_dispute": case.kind == Case.Kind.DISPUTE,
        "received_on": _cn_date(timezone.localdate(case.received_at)),
        "channel_phrase": CHANNEL_PHRASES.get(case.channel, case.get_channel_display()),
        "request_summary": _summary(case.request),
    }


def _doc_number(case, doc_code, word, earlier=0):
    """发文字号 from the organ's code, the case number "330101-2026-00012" and the notice's word:
    青山镇信访受告〔2026〕12号; a second notice of the same kind (a second extension) is 12-2号."""
    match = re.fullmatch(r".*-(\d{4})-(\d+)", case.number)
    year, serial = (match[1], int(match[2])) if match else (timezone.localdate(case.received_at).year, case.number)
    serial = f"{serial}-{earlier + 1}" if earlier else serial
    return _("%(code)s%(word)s〔%(year)s〕%(serial)s号") % {
        "code": doc_code, "word": word, "year": year, "serial": serial,
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


step_write.register_after_step(issue)
