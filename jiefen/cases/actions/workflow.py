"""Steps of the petition and dispute lifecycles after intake. Each is one transaction (see core.perform)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.leadership.rules import missing_parts
from jiefen.org.models import Role, Unit, User

from .. import access, deadlines, uploads
from ..models import Document, Recusal, ReplyOutcome, Status
from .core import ActionError, perform, step

REFERRAL_ROUTES = {
    "litigation": _("诉讼"),
    "arbitration": _("仲裁"),
    "admin_review": _("行政复议"),
    "admin_ruling": _("行政裁决"),
    "other": _("其他法定途径"),
}


def _required(value, message, field):
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise ActionError(message, field=field)
    return value.strip() if isinstance(value, str) else value


def _date_not_future(day, label, field):
    if day is None:
        raise ActionError(_("请填写%(label)s") % {"label": label}, field=field)
    if day > timezone.localdate():
        raise ActionError(_("%(label)s不能晚于今天") % {"label": label}, field=field)
    return day


def _outcome(outcome):
    if outcome not in ReplyOutcome.values:
        raise ActionError(_("请选择处理意见：支持、解释说明或不予支持"), field="outcome")
    return outcome


@step("accept")
def do_accept_case(user, case, *, expected_version, note="", at=None):
    today = timezone.localdate(at) if at else timezone.localdate()
    return perform(
        case, "accept", user, expected_version=expected_version, at=at, summary=_("受理"), note=note,
        changes={"accepted_on": today}, clock_date=today,
    )


@step("not_accept")
def do_not_accept_case(user, case, *, expected_version, reason="", lawful_channel="", at=None):
    """不予受理 with the reason and the lawful channel to go to instead (诉访分离)."""
    reason = _required(reason, _("请填写不予受理的理由"), "reason")
    lawful_channel = _required(lawful_channel, _("请告知信访人应当通过的法定途径"), "lawful_channel")
    return perform(
        case, "not_accept", user, expected_version=expected_version, at=at,
        summary=_("不予受理，告知通过%(channel)s解决") % {"channel": lawful_channel},
        note=reason, data={"reason": reason, "lawful_channel": lawful_channel},
        changes={"closed_at": at or timezone.now()},
    )


@step("forward")
def do_forward_case(user, case, *, expected_version, organ="", reason="", at=None):
    """转送 to the organ that owns the matter outside this centre."""
    organ = _required(organ, _("请填写转送的机关或单位"), "organ")
    return perform(
        case, "forward", user, expected_version=expected_version, at=at,
        summary=_("转送%(organ)s") % {"organ": organ}, note=reason, data={"organ": organ},
        changes={"closed_at": at or timezone.now()},
    )


@step("assign")
def do_assign_case(user, case, *, expected_version, unit=None, co_units=(), note="", at=None):
    """交办 to a lead unit (and co-handling units); the case waits for the lead unit to sign for it (首办负责)."""
    if unit is None:
        raise ActionError(_("请选择承办单位"), field="unit")
    assignable = access.assignable_units(case)
    for candidate, field in [(unit, "unit")] + [(u, "co_units") for u in co_units]:
        if not assignable.filter(pk=candidate.pk).exists():
            if case.accused_unit_id and candidate.is_within(case.accused_unit):
                raise ActionError(_("检举控告事项不得交由被检举控告的单位办理"), field=field)
            raise ActionError(_("只能交办给本中心所辖的部门或村（社区）"), field=field)
    co_units = [u for u in co_units if u.pk != unit.pk]
    summary = _("交办%(unit)s，待签收") % {"unit": unit.name}
    if co_units:
        summary = _("交办%(unit)s（协办：%(co)s），待签收") % {"unit": unit.name, "co": "、".join(u.name for u in co_units)}

    def set_co_units(case, event):
        case.co_units.set(co_units)

    return perform(
        case, "assign", user, expected_version=expected_version, at=at, summary=summary, note=note,
        data={"unit": unit.pk, "co_units": [u.pk for u in co_units]}, changes={"pending_unit": unit},
        extra=set_co_units,
    )


@step("sign_for")
def do_sign_for_case(user, case, *, expected_version, at=None):
    """签收: the unit handed the case takes it over; the person signing becomes its handler (承办人)."""
    unit = case.pending_unit
    return perform(
        case, "sign_for", user, expected_version=expected_version, at=at,
        summary=_("%(unit)s签收，承办人%(who)s") % {"unit": unit.name, "who": user.display_name},
        data={"unit": unit.pk}, changes={"responsible_unit": unit, "pending_unit": None, "handler": user},
    )


@step("return_case")
def do_return_case(user, case, *, expected_version, reason="", at=None):
    """退回 with a reason: the case goes back to the centre to be assigned again. Never "not ours, closed"."""
    reason = _required(reason, _("请填写退回理由"), "reason")
    unit = case.pending_unit if case.status == Status.ASSIGNED else case.responsible_unit

    def clear_co_units(case, event):
        case.co_units.clear()

    return perform(
        case, "return_case", user, expected_version=expected_version, at=at,
        summary=_("%(unit)s退回：%(reason)s") % {"unit": unit.name, "reason": reason}, note=reason,
        data={"unit": unit.pk}, changes={"pending_unit": None, "responsible_unit": None, "handler": None},
        extra=clear_co_units,
    )


@step("recuse")
def do_recuse(user, case, *, person=None, reason="", at=None):
    """回避: `person` (default the user) stays out of the case; leaders may name another staff member."""
    reason = _required(reason, _("请填写回避理由"), "reason")
    person = person or user
    if person != user and user.role not in (Role.LEADER, Role.DIRECTOR):
        raise ActionError(_("只能由本人申请回避，或由中心领导决定他人回避"), field="person")
    if case.recusals.filter(user=person).exists():
        raise ActionError(_("%(who)s已回避本案") % {"who": person.display_name}, field="person")
    changes = {"handler": None} if case.handler_id == person.pk else {}

    def add_recusal(case, event):
        Recusal.objects.create(case=case, user=person, reason=reason, declared_by=user, declared_at=event.at)

    return perform(
        case, "recuse", user, expected_version=None, at=at,
        summary=_("%(who)s回避本案") % {"who": person.display_name}, note=reason, data={"person": person.pk},
        changes=changes, extra=add_recusal,
    )


@step("note")
def do_add_note(user, case, *, text="", at=None):
    text = _required(text, _("请填写办理情况"), "text")
    return perform(case, "note", user, expected_version=None, at=at, summary=_("办理记录"), note=text)


@step("document")
def do_add_document(user, case, *, title="", files=(), file=None, at=None):
    """上传材料: one or more files under one name. Each is checked by its content (uploads.check_uploads) before
    anything is written, stored under a random name, and removed again if the step fails after all."""
    title = _required(title, _("请填写材料名称"), "title")
    files = [f for f in [*files, file] if f is not None]
    if not files:
        raise ActionError(_("请选择要上传的文件"), field="files")
    try:
        kinds = uploads.check_uploads(files, uploads.MATERIALS)
    except uploads.UploadRefused as refused:
        raise ActionError(refused.message, field="files") from None
    stored = []

    def save_documents(case, event):
        for upload, kind in zip(files, kinds):
            doc = Document(case=case, kind=Document.Kind.MATERIAL, title=title, uploaded_by=user)
            uploads.store(doc, upload, kind)
            stored.append(doc.file)
            doc.save()
        event.data = {"documents": [f.instance.pk for f in stored]}
        if len(stored) == 1:
            event.data["document"] = stored[0].instance.pk
        event.save(update_fields=["data"])

    try:
        return perform(
            case, "document", user, expected_version=None, at=at, summary=_("上传材料：%(t)s") % {"t": title},
            extra=save_documents,
        )
    except BaseException:
        # The transaction rolls back: leave no file behind for a row that will not exist.
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise


@step("extend")
def do_extend_deadline(user, case, *, expected_version, days=0, reason="", approver=None, at=None):
    """延长办理期限: at most 30 days in all, approved by the unit head or a centre leader, reason told."""
    reason = _required(reason, _("请填写延期理由（将告知信访人）"), "reason")
    room = deadlines.extension_room(case)
    if not days or days < 1:
        raise ActionError(_("延长天数至少为1天"), field="days")
    if days > room:
        raise ActionError(_("延长办理期限累计不得超过30日，本案还可延长%(n)s日") % {"n": room}, field="days")
    if approver is None or not _may_approve_extension(approver, case):
        raise ActionError(_("延期须经本单位负责人或中心领导批准，请选择批准人"), field="approver")
    approver_name = approver.display_name

    def add_extension(case, event):
        deadline = deadlines.extend(case, days, _("延期（%(who)s批准）") % {"who": approver_name})
        event.data = {"days": days, "approver": approver.pk, "due_on": deadline.due_on.isoformat()}
        event.save(update_fields=["data"])

    return perform(
        case, "extend", user, expected_version=expected_version, at=at,
        summary=_("延长办理期限%(n)s日，理由：%(r)s") % {"n": days, "r": reason}, note=reason, extra=add_extension,
    )


def _may_approve_extension(approver, case):
    if approver.role in (Role.LEADER, Role.DIRECTOR) and approver.unit_id and approver.unit.township == case.centre:
        return True
    return approver.is_unit_head and approver.unit_id == case.responsible_unit_id


def extension_approvers(case):
    leaders = User.objects.filter(is_active=True, role__in=[Role.LEADER, Role.DIRECTOR], unit=case.centre)
    heads = User.objects.filter(is_active=True, is_unit_head=True, unit_id=case.responsible_unit_id)
    return (leaders | heads).distinct().order_by("role", "id")


def _written_decision(user, case, action, *, expected_version, outcome, served_on, content, summary_prefix, changes=None, at=None):
    outcome = _outcome(outcome)
    _date_not_future(served_on, _("送达日期"), "served_on")
    content = _required(content, _("请填写处理意见正文"), "content")
    if case.accepted_on and served_on < case.accepted_on:
        raise ActionError(_("送达日期不能早于受理日期"), field="served_on")
    # The decision answers a request: it cannot be served before the clock it stops started (the request date).
    # A clock paused for a hearing counts too: a re-review decision may be served while it is paused.
    for running in case.deadlines.select_related("rule").filter(state__in=["running", "paused"]):
        if action in running.rule.events("stop_events") and served_on < running.started_on:
            raise ActionError(
                _("送达日期不能早于%(rule)s的起算日 %(day)s") % {"rule": running.rule.name, "day": running.started_on},
                field="served_on",
            )
    label = ReplyOutcome(outcome).label
    return perform(
        case, action, user, expected_version=expected_version, at=at,
        summary=_("%(prefix)s：%(outcome)s，%(day)s送达") % {"prefix": summary_prefix, "outcome": label, "day": served_on},
        data={"outcome": outcome, "served_on": served_on.isoformat(), "content": content},
        changes={"reply_outcome": outcome, "reply_served_on": served_on, **(changes or {})},
        clock_date=served_on,
    )


@step("reply")
def do_reply_case(user, case, *, expected_version, outcome="", served_on=None, content="", at=None):
    """Serve the written reply (处理意见书): 支持 / 解释说明 / 不予支持, with its service date."""
    return _written_decision(
        user, case, "reply", expected_version=expected_version, at=at, outcome=outcome, served_on=served_on,
        content=content, summary_prefix=_("出具处理意见书"),
    )


@step("close")
def do_close_case(user, case, *, expected_version, resolved=None, note="", at=None):
    """办结. Whether the matter was really resolved is recorded apart from closure."""
    if resolved is None:
        raise ActionError(_("请选择问题是否实际化解"), field="resolved")
    if missing := missing_parts(case):  # "1211": a hard case closes only with all four parts in place
        raise ActionError(_("本案为疑难积案，“1211”尚未落实到位，不能办结。缺：%(m)s") % {"m": "；".join(missing)})
    return perform(
        case, "close", user, expected_version=expected_version, at=at,
        summary=_("办结（%(r)s）") % {"r": _("已实际化解") if resolved else _("未实际化解")}, note=note,
        changes={"closed_at": at or timezone.now(), "resolved": resolved},
    )


def _request_within_window(user, case, action, window_code, *, expected_version, requested_on, summary, at=None):
    _date_not_future(requested_on, _("申请日期"), "requested_on")
    window = case.deadlines.filter(rule__code=window_code).order_by("-id").first()
    if window is None or window.state != window.State.RUNNING:
        raise ActionError(_("本案没有正在计算的申请期限，不能登记该申请"))
    if requested_on < window.started_on:
        raise ActionError(_("申请日期不能早于书面意见送达日期"), field="requested_on")
    if requested_on > window.due_on:
        raise ActionError(
            _("申请期限已于%(day)s届满（%(rule)s），依法不再受理该申请") % {"day": window.due_on, "rule": window.rule.legal_basis},
            field="requested_on",
        )
    return perform(
        case, action, user, expected_version=expected_version, at=at, summary=summary,
        data={"requested_on": requested_on.isoformat()}, changes={"closed_at": None}, clock_date=requested_on,
    )


@step("request_review")
def do_request_review(user, case, *, expected_version, requested_on=None, at=None):
    """复查申请: within 30 days of service of the written reply."""
    return _request_within_window(
        user, case, "request_review", "review_window", expected_version=expected_version, at=at,
        requested_on=requested_on, summary=_("信访人请求复查"),
    )


@step("decide_review")
def do_decide_review(user, case, *, expected_version, outcome="", served_on=None, content="", at=None):
    return _written_decision(
        user, case, "decide_review", expected_version=expected_version, at=at, outcome=outcome, served_on=served_on,
        content=content, summary_prefix=_("复查意见"),
    )


@step("request_rereview")
def do_request_rereview(user, case, *, expected_version, requested_on=None, at=None):
    """复核申请: within 30 days of service of the review decision."""
    return _request_within_window(
        user, case, "request_rereview", "rereview_window", expected_version=expected_version, at=at,
        requested_on=requested_on, summary=_("信访人请求复核"),
    )


@step("start_hearing")
def do_start_hearing(user, case, *, expected_version, on_date=None, at=None):
    """听证: the re-review clock stops while the hearing runs (信访工作条例 第三十七条)."""
    on_date = _date_not_future(on_date or timezone.localdate(at), _("听证日期"), "on_date")
    if case.deadlines.filter(state="paused").exists():
        raise ActionError(_("听证已在进行中"))
    # A clock cannot be paused before it started (the re-review request date).
    for running in case.deadlines.select_related("rule").filter(state="running"):
        if "start_hearing" in running.rule.events("pause_events") and on_date < running.started_on:
            raise ActionError(
                _("听证日期不能早于%(rule)s的起算日 %(day)s") % {"rule": running.rule.name, "day": running.started_on},
                field="on_date",
            )
    return perform(case, "start_hearing", user, expected_version=expected_version, at=at, summary=_("举行听证，复核期限中止计算"), clock_date=on_date)


@step("end_hearing")
def do_end_hearing(user, case, *, expected_version, on_date=None, at=None):
    on_date = _date_not_future(on_date or timezone.localdate(at), _("听证结束日期"), "on_date")
    paused = case.deadlines.filter(state="paused").first()
    if paused is None:
        raise ActionError(_("本案没有进行中的听证"))
    # The paused days are added back to the period: ending before the start would shorten it instead.
    if on_date < paused.paused_on:
        raise ActionError(_("听证结束日期不能早于听证开始日期 %(day)s") % {"day": paused.paused_on}, field="on_date")
    return perform(case, "end_hearing", user, expected_version=expected_version, at=at, summary=_("听证结束，复核期限恢复计算"), clock_date=on_date)


@step("decide_rereview")
def do_decide_rereview(user, case, *, expected_version, outcome="", served_on=None, content="", at=None):
    """复核意见: the matter is final (终结); the same facts and reasons are not accepted again."""
    return _written_decision(
        user, case, "decide_rereview", expected_version=expected_version, at=at, outcome=outcome, served_on=served_on,
        content=content, summary_prefix=_("复核意见（终结）"), changes={"closed_at": at or timezone.now()},
    )


@step("mediation_session")
def do_record_mediation_session(user, case, *, held_on=None, place="", mediators="", minutes="", visitors=(),
                                parties_present=(), at=None):
    """调解记录: one session, with who mediated (free text and/or people of the register, grid.Visitor) and which
    of the case's parties attended. Names are kept as they were that day, beside the ids."""
    _date_not_future(held_on, _("调解日期"), "held_on")
    minutes = _required(minutes, _("请填写调解经过"), "minutes")
    visitors, parties_present = list(visitors or []), list(parties_present or [])
    if any(v.centre_id != case.centre_id for v in visitors):
        raise ActionError(_("调解人员须为本中心排查调解人员名册中的人员"), field="visitors")
    if any(p.case_id != case.pk for p in parties_present):
        raise ActionError(_("到场当事人须为本案当事人"), field="parties_present")
    mediators = (mediators or "").strip()
    names = [v.name for v in visitors] + [n for n in _split_names(mediators) if n not in {v.name for v in visitors}]
    return perform(
        case, "mediation_session", user, expected_version=None, at=at,
        summary=_("%(day)s在%(place)s调解") % {"day": held_on, "place": place or _("调解室")},
        note=minutes, data={
            "held_on": held_on.isoformat(), "place": place, "mediators": "、".join(names),
            "visitors": [v.pk for v in visitors], "parties_present": [p.pk for p in parties_present],
            "present_names": [p.name for p in parties_present],
        },
    )


def _split_names(text):
    return [n.strip() for n in text.replace("，", "、").replace(",", "、").split("、") if n.strip()]


@step("agree")
def do_record_agreement(user, case, *, expected_version, terms="", signed_on=None, facts="", performance="",
                        mediators="", at=None):
    """达成调解协议 (调解协议书): the dispute's facts, the terms, how and by when they are performed (履行方式、时限,
    人民调解法 第二十九条), the signing date and the mediators (default: those of the sessions)."""
    terms = _required(terms, _("请填写协议内容"), "terms")
    _date_not_future(signed_on, _("签订日期"), "signed_on")
    # The agreement stops the mediation clock, which starts on acceptance: it cannot end before it started.
    if case.accepted_on and signed_on < case.accepted_on:
        raise ActionError(_("签订日期不能早于受理日期"), field="signed_on")
    facts = (facts or "").strip() or case.facts or case.request
    mediators = (mediators or "").strip() or session_mediators(case)
    return perform(
        case, "agree", user, expected_version=expected_version, at=at, summary=_("达成调解协议"),
        data={
            "terms": terms, "signed_on": signed_on.isoformat(), "facts": facts,
            "performance": (performance or "").strip(), "mediators": mediators,
        },
        clock_date=signed_on,
    )


def session_mediators(case):
    """Everyone named as mediator in the case's sessions, in order of first appearance."""
    names = []
    for data in case.events.filter(kind="mediation_session").order_by("at", "id").values_list("data", flat=True):
        names += [n for n in _split_names(data.get("mediators", "")) if n not in names]
    return "、".join(names)


@step("mediation_failed")
def do_record_mediation_failure(user, case, *, expected_version, reason="", at=None):
    reason = _required(reason, _("请填写调解不成的原因"), "reason")
    return perform(case, "mediation_failed", user, expected_version=expected_version, at=at, summary=_("调解不成"), note=reason)


@step("refer")
def do_refer_case(user, case, *, expected_version, route="", guidance="", at=None):
    """导入诉讼、仲裁、行政复议等法定途径, with the guidance given to the parties."""
    if route not in REFERRAL_ROUTES:
        raise ActionError(_("请选择导入的法定途径"), field="route")
    guidance = _required(guidance, _("请填写对当事人的引导说明"), "guidance")
    return perform(
        case, "refer", user, expected_version=expected_version, at=at,
        summary=_("引导通过%(route)s解决") % {"route": REFERRAL_ROUTES[route]}, note=guidance, data={"route": route},
    )


# 协议履行回访: whether the parties keep the agreement. An unkept one (未履行) is flagged where the case is listed.
FOLLOW_UP_RESULTS = {"kept": _("已履行"), "partly": _("部分履行"), "broken": _("未履行")}


@step("agreement_follow_up")
def do_follow_up_agreement(user, case, *, result="", checked_on=None, note="", at=None):
    """协议履行回访: record whether the agreement is kept; the latest follow-up is what the case page shows."""
    if result not in FOLLOW_UP_RESULTS:
        raise ActionError(_("请选择履行情况：已履行、部分履行或未履行"), field="result")
    _date_not_future(checked_on, _("回访日期"), "checked_on")
    agreed = case.events.filter(kind="agree").order_by("-at", "-id").values_list("data", flat=True).first()
    if agreed is None:
        raise ActionError(_("本案没有达成调解协议，无需协议履行回访"))
    signed_on = agreed.get("signed_on")
    if signed_on and checked_on.isoformat() < signed_on:
        raise ActionError(_("回访日期不能早于协议签订日期"), field="checked_on")
    note = (note or "").strip()
    if result != "kept" and not note:
        raise ActionError(_("部分履行或未履行的，请写明未履行的内容和下一步措施"), field="note")
    return perform(
        case, "agreement_follow_up", user, expected_version=None, at=at,
        summary=_("协议履行回访：%(r)s") % {"r": FOLLOW_UP_RESULTS[result]}, note=note,
        data={"result": result, "checked_on": checked_on.isoformat()},
    )


# Answers to "are you satisfied with how your matter was handled", stored as these words in Case.satisfaction
# (the figures count them by value); from the portal (网上) or a staff follow-up call (回访).
SATISFACTION = ("满意", "基本满意", "不满意")
SATISFACTION_SOURCES = {"online": _("网上"), "callback": _("回访")}


@step("satisfaction")
def do_record_satisfaction(user, case, *, rating="", reason="", source="callback", at=None):
    """满意度: record the petitioner's answer on the case and its timeline; a later answer replaces an earlier one."""
    if rating not in SATISFACTION:
        raise ActionError(_("请选择满意、基本满意或不满意"), field="rating")
    if source not in SATISFACTION_SOURCES:
        raise ActionError(_("评价来源只能是网上或回访"), field="source")
    reason = (reason or "").strip()
    if rating != SATISFACTION[0] and not reason:
        raise ActionError(_("请填写%(rating)s的原因") % {"rating": rating}, field="reason")
    return perform(
        case, "satisfaction", user, expected_version=None, at=at,
        summary=_("%(source)s评价：%(rating)s") % {"source": SATISFACTION_SOURCES[source], "rating": rating},
        note=reason, data={"rating": rating, "source": source, "reason": reason}, changes={"satisfaction": rating},
    )


@step("correct_place")
def do_correct_place(user, case, *, expected_version, village=None, reason="", at=None):
    """更正属地: the matter belongs to another village (community) of the centre, or to none, than registered."""
    reason = _required(reason, _("请填写更正理由"), "reason")
    if village is not None and (village.kind != Unit.Kind.VILLAGE or not village.is_within(case.centre)):
        raise ActionError(_("只能选择本乡镇（街道）的村（社区）"), field="village")
    if village == case.village:
        raise ActionError(_("所属村（社区）没有变化"), field="village")
    before = case.village.name if case.village_id else _("不属于具体村（社区）")
    after = village.name if village else _("不属于具体村（社区）")
    return perform(
        case, "correct_place", user, expected_version=expected_version, at=at,
        summary=_("更正属地：%(before)s → %(after)s") % {"before": before, "after": after}, note=reason,
        data={"from": case.village_id, "to": village.pk if village else None}, changes={"village": village},
    )


ACTION_FUNCTIONS = {
    "accept": do_accept_case,
    "not_accept": do_not_accept_case,
    "forward": do_forward_case,
    "assign": do_assign_case,
    "sign_for": do_sign_for_case,
    "return_case": do_return_case,
    "recuse": do_recuse,
    "note": do_add_note,
    "document": do_add_document,
    "extend": do_extend_deadline,
    "reply": do_reply_case,
    "close": do_close_case,
    "request_review": do_request_review,
    "decide_review": do_decide_review,
    "request_rereview": do_request_rereview,
    "start_hearing": do_start_hearing,
    "end_hearing": do_end_hearing,
    "decide_rereview": do_decide_rereview,
    "mediation_session": do_record_mediation_session,
    "agree": do_record_agreement,
    "mediation_failed": do_record_mediation_failure,
    "refer": do_refer_case,
    "agreement_follow_up": do_follow_up_agreement,
    "satisfaction": do_record_satisfaction,
    "correct_place": do_correct_place,
}

