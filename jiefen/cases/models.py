"""The case (信访事项 / 矛盾纠纷) and what hangs off it: parties, contacts, clocks, timeline, documents."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiefen.org.models import Unit

from .fields import EncryptedCharField


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    CALL = "call", _("来电")
    ONLINE = "online", _("网上")
    FAX = "fax", _("传真")
    GRID = "grid", _("网格排查")
    ASSIGNED = "assigned", _("上级交办")


class LegalClass(models.TextChoices):
    SUGGESTION = "suggestion", _("建议意见")
    ACCUSATION = "accusation", _("检举控告")
    CLAIM = "claim", _("申诉求决")
    DISPUTE = "dispute", _("民间纠纷")


# The units an accusation may name at township level (a township or above is a matter for the organs above).
ACCUSABLE_KINDS = (Unit.Kind.DEPARTMENT, Unit.Kind.VILLAGE, Unit.Kind.GRID)


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    FORWARDED = "forwarded", _("已转送")
    ASSIGNED = "assigned", _("已交办待签收")
    IN_HANDLING = "in_handling", _("办理中")
    REPLIED = "replied", _("已答复")
    REVIEW_REQUESTED = "review_requested", _("复查中")
    REVIEW_DECIDED = "review_decided", _("复查已决定")
    REREVIEW_REQUESTED = "rereview_requested", _("复核中")
    FINAL = "final", _("已终结")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("达成调解协议")
    MEDIATION_FAILED = "mediation_failed", _("调解不成")
    REFERRED = "referred", _("已导入其他途径")
    CLOSED = "closed", _("已办结")


def _in_order(*statuses):
    # In the order of Status, so a query's IN list reads the same on every run.
    return tuple(s for s in Status if s in statuses)


class StatusGroup:
    """The groups of states that lists, exports, figures and Open311 speak of: each is declared here and only here."""

    # Counted as 办结 (finished): 办结, 终结, 不予受理 and 转送. What leaves the stock in the figures (closed,
    # on time, resolved, handling days) and in their drill-down to cases.
    COUNTED_AS_DONE = _in_order(Status.CLOSED, Status.FINAL, Status.NOT_ACCEPTED, Status.FORWARDED)
    # 未办结, work still to do: every state not COUNTED_AS_DONE. The case list's "open", the desk's repeat-visit
    # check, owning leaders' and hard cases' lists, the meeting pack and the figures' stock (存量).
    OPEN = _in_order(*set(Status).difference(COUNTED_AS_DONE))
    # Closed as the citizen is told (Open311's "closed"): COUNTED_AS_DONE and 已导入其他途径, a dispute referred
    # to a court, arbitration or another lawful route. Nothing is left to do for the citizen there, though the
    # centre still has to close the case (办结), so it stays OPEN for the centre.
    CLOSED_TO_CITIZEN = _in_order(*COUNTED_AS_DONE, Status.REFERRED)
    # 未办结 in the dispute ledger (台账): mediation has no result yet. Narrower than OPEN: an agreement, a
    # failure or a referral is a result, listed under its own ledger row (达成协议, 调解不成) until the case is closed.
    LEDGER_UNFINISHED = _in_order(Status.REGISTERED, Status.ACCEPTED, Status.ASSIGNED, Status.MEDIATING)



class ReplyOutcome(models.TextChoices):
    SUPPORT = "support", _("支持")
    EXPLAIN = "explain", _("解释说明")
    REJECT = "reject", _("不予支持")


class ReviewOutcome(models.TextChoices):
    """What a 复查 or 复核 decides about the opinion under review."""

    UPHOLD = "uphold", _("维持")
    VARY = "vary", _("变更")
    REVOKE = "revoke", _("撤销（责令重新办理）")


class Category(models.Model):
    """Subject category (事项分类), e.g. 土地征收, 劳动工资, 邻里纠纷."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, verbose_name=_("上级分类"))
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项分类")
        verbose_name_plural = _("事项分类")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class CaseSequence(models.Model):
    """Per centre and year, the last case number issued (一案一码)."""

    centre = models.ForeignKey(Unit, models.CASCADE)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="unique_case_sequence")]


class Case(models.Model):
    class Kind(models.TextChoices):
        PETITION = "petition", _("信访事项")
        DISPUTE = "dispute", _("矛盾纠纷")

    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=12)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    centre = models.ForeignKey(Unit, models.PROTECT, related_name="centre_cases", verbose_name=_("受理中心"))
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    legal_class = models.CharField(_("性质"), max_length=12, choices=LegalClass.choices)
    category = models.ForeignKey(Category, models.PROTECT, verbose_name=_("事项分类"))
    village = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="village_cases", verbose_name=_("所属村（社区）")
    )
    request = models.TextField(_("诉求"))
    facts = models.TextField(_("事实和理由"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # Compare-and-swap token: every action moves it on; two people acting at once cannot both succeed.
    version = models.PositiveIntegerField(default=1)
    responsible_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="responsible_cases", verbose_name=_("责任单位")
    )
    # 首办负责: the centre (or the unit that had it) stays responsible until the unit handed to signs for it.
    pending_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="pending_cases", verbose_name=_("待签收单位")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_handled_cases", verbose_name=_("协办单位"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="handled_cases",
        verbose_name=_("承办人"),
    )
    accused_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="accused_cases", verbose_name=_("被检举控告单位")
    )
    identity_unknown = models.BooleanField(
        _("姓名或地址不清"), default=False, help_text=_("信访人姓名（名称）、住址不清的，不适用受理告知期限")
    )
    is_group = models.BooleanField(_("集体访"), default=False)
    received_at = models.DateTimeField(_("登记时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    receiving_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接待领导")
    )
    contact_count = models.PositiveIntegerField(_("来访（电）次数"), default=1)
    person_times = models.PositiveIntegerField(_("人次"), default=1)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    reply_outcome = models.CharField(_("处理意见"), max_length=10, choices=ReplyOutcome.choices, blank=True)
    reply_served_on = models.DateField(_("送达日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Closure, real resolution and satisfaction are three separate outcomes (DESIGN.md §3).
    resolved = models.BooleanField(_("实际化解"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=10, blank=True)
    # The earliest running obligation deadline, kept by the clock engine so lists can flag and filter by index.
    next_due_on = models.DateField(_("最近期限"), null=True, blank=True)
    schedule_warning = models.BooleanField(default=False)
    # 终结: the same person's same matter was decided at 复核 (or the decision stood unchallenged) in this earlier
    # case; registered again, it is flagged and counted apart, and is not accepted again (不再受理).
    final_repeat_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("已终结的原案件")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            # Case lists are ordered (received_at DESC, id DESC) (queries.case_list); each scope has an index
            # ending in that order, so the first page is read off the index without sorting.
            models.Index(fields=["centre", "-received_at", "-id"], name="case_centre_received"),
            models.Index(fields=["responsible_unit", "-received_at", "-id"], name="case_unit_received"),
            models.Index(fields=["centre", "status", "-received_at", "-id"], name="case_centre_status"),
            models.Index(fields=["centre", "next_due_on"], name="case_centre_due"),
            models.Index(fields=["village", "-received_at", "-id"], name="case_village_received"),
            models.Index(fields=["pending_unit", "-received_at", "-id"], name="case_pending_received"),
            # Several centres at once (county supervisor): newest first across the whole table.
            models.Index(fields=["-received_at", "-id"], name="case_received"),
            # Only open cases have a due date (~2.5%): the overdue and due-soon lists across centres.
            models.Index(
                fields=["-received_at", "-id"], condition=models.Q(next_due_on__isnull=False), name="case_open_received"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in StatusGroup.OPEN


class Party(models.Model):
    class Role(models.TextChoices):
        PETITIONER = "petitioner", _("信访人")
        REPRESENTATIVE = "representative", _("代表")
        RESPONDENT = "respondent", _("被反映人/对方当事人")

    case = models.ForeignKey(Case, models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices, default=Role.PETITIONER)
    name = models.CharField(_("姓名"), max_length=50)
    # Encrypted at rest (fields.EncryptedCharField); matched through the keyed hashes below.
    id_number = EncryptedCharField(_("身份证号"), plain_max_length=18, blank=True)
    phone = EncryptedCharField(_("联系电话"), plain_max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    village = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("村（社区）")
    )
    # Keyed hashes (HMAC) so the desk can find "already has an open case" without searching plaintext.
    # Agreed at intake to be told of the matter's steps by SMS (受理, 转送, 延期, 答复送达, 复查/复核): jiefen.notify.
    sms_consent = models.BooleanField(_("同意短信告知"), default=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """One visit, letter or call on a case: the case counts once, person-times add up."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="contacts")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("时间"))
    head_count = models.PositiveIntegerField(_("人数"), default=1)
    receiving_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接待领导")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    note = models.TextField(_("情况"), blank=True)

    class Meta:
        verbose_name = _("来访（来电）记录")
        verbose_name_plural = _("来访（来电）记录")
        ordering = ["occurred_at", "id"]


class Deadline(models.Model):
    """A running or finished statutory clock of one case, with how its due date was computed."""

    class State(models.TextChoices):
        RUNNING = "running", _("计时中")
        MET = "met", _("已完成")
        PAUSED = "paused", _("已中止")
        EXEMPT = "exempt", _("不适用")

    case = models.ForeignKey(Case, models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey("clocks.ClockRule", models.PROTECT, verbose_name=_("期限"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RUNNING)
    started_on = models.DateField(_("起算日"))
    # The rule's length and unit as they were when the clock started: editing a rule later never moves
    # a clock already running.
    length = models.PositiveIntegerField(_("期限长度"))
    unit = models.CharField(_("单位"), max_length=10)
    due_on = models.DateField(_("截止日"), null=True, blank=True)
    explanation = models.TextField(_("计算过程"), blank=True)
    warning = models.CharField(_("提示"), max_length=200, blank=True)
    # (days, reason) added to the statutory length: approved extensions and paused days.
    additions = models.JSONField(default=list, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(_("完成日"), null=True, blank=True)

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "due_on"], name="deadline_state_due")]


class Event(models.Model):
    """One entry of the case timeline; every action writes exactly one."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=30)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    summary = models.CharField(_("摘要"), max_length=300)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Shown to the petitioner when tracking (no internal notes, no staff names).
    public = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]


class Document(models.Model):
    class Kind(models.TextChoices):
        ACCEPTANCE_NOTICE = "acceptance_notice", _("受理告知书")
        NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", _("不予受理告知书")
        REPLY = "reply", _("处理意见书")
        MATERIAL = "material", _("办理材料")

    case = models.ForeignKey(Case, models.CASCADE, related_name="documents")
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    # Stored under a random name (jiefen.cases.uploads) outside the web root, handed out by views.case_document.
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=100, blank=True)  # cleaned, for display only
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.title


class ServiceMethod(models.TextChoices):
    """How a document reached the petitioner (送达方式)."""

    DIRECT = "direct", _("直接送达")
    POST = "post", _("邮寄送达")
    ONLINE = "online", _("网上送达")
    LEFT = "left", _("留置送达")
    PUBLIC = "public", _("公告送达")


class IssuedDocument(models.Model):
    """A written document issued on a case (告知书, 处理意见书, 调解协议书, ...), kept as issued.

    What it says is fixed when the step that issues it is taken (`content`, the notice's context as of then); the
    PDF is made from that once, on first print, and stored with its SHA-256: every later print is that file, byte
    for byte. Its service (送达: method, date) and the return of the 送达回证 are recorded on it.
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="issued")
    event = models.ForeignKey(Event, models.CASCADE, related_name="+")
    kind = models.CharField(_("文书"), max_length=30)
    title = models.CharField(_("标题"), max_length=100)
    issuer = models.CharField(_("发文机关"), max_length=100)
    doc_number = models.CharField(_("文号"), max_length=60)
    content = models.JSONField(default=dict)
    issued_on = models.DateField(_("成文日期"))
    pdf = models.FileField(upload_to="issued/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=10, choices=ServiceMethod.choices, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("送达人")
    )
    receipt_returned_on = models.DateField(_("回证收回日期"), null=True, blank=True)
    receipt_signer = models.CharField(_("受送达人签收"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("发出的文书")
        verbose_name_plural = _("发出的文书")
        ordering = ["issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="unique_issued_per_event")]

    def __str__(self):
        return f"{self.title} {self.doc_number}"


class Handover(models.Model):
    """An item handed down to this case's unit by an organ above (上级交办 or 转送), and its report back (报结).

    The sending organ (the county's 信访局 for its 人民政府) fixes the 交办单 number and the deadline; the receiving
    township handles the case as any other and reports its result; the sender reviews the report (审核报结) and
    accepts it or sends the case back to be handled again. The timeline keeps every report and review; this row
    keeps where the exchange stands."""

    class Mode(models.TextChoices):
        ASSIGN = "assign", _("交办")
        FORWARD = "forward", _("转送")

    class Report(models.TextChoices):
        PENDING = "pending", _("待报结")
        REPORTED = "reported", _("已报结待审核")
        ACCEPTED = "accepted", _("审核通过")
        RETURNED = "returned", _("退回重办")
        # Fed back to the township that transferred it (a peer reviews nothing).
        FED_BACK = "fed_back", _("已反馈")

    case = models.OneToOneField(Case, models.CASCADE, related_name="handover")
    mode = models.CharField(_("方式"), max_length=10, choices=Mode.choices)
    # The organ's unit the item came from; its staff review the report.
    from_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("交办机关"))
    from_organ = models.CharField(_("交办机关名称"), max_length=100)
    # A transfer from another township on jiefen (转送 with a 转送函): the case there, which the feedback reaches.
    from_case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="transferred", verbose_name=_("原案件"),
    )
    doc_number = models.CharField(_("交办单编号"), max_length=60)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    requirements = models.TextField(_("办理要求"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("交办人"))
    sent_at = models.DateTimeField(_("交办时间"))
    report = models.CharField(_("报结"), max_length=10, choices=Report.choices, default=Report.PENDING)
    reported_on = models.DateField(_("报结日期"), null=True, blank=True)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("上级交办")
        verbose_name_plural = _("上级交办")
        indexes = [models.Index(fields=["from_unit", "report"], name="handover_sender_report")]
        constraints = [
            models.UniqueConstraint(fields=["from_unit", "doc_number"], name="unique_handover_number"),
        ]

    def __str__(self):
        return f"{self.from_organ} {self.doc_number}"

    @classmethod
    def next_number(cls, from_unit, prefix, *, lock=False):
        """The next number of `from_unit`'s series `prefix` ("青信交〔2026〕"): one past the highest serial used, so
        a gap or a typed number never repeats one. With `lock` (inside a transaction), the unit's row is locked
        first: two senders numbering at once queue instead of colliding."""
        if lock:
            Unit.objects.select_for_update().filter(pk=from_unit.pk).first()
        numbers = cls.objects.filter(from_unit=from_unit, doc_number__startswith=prefix).values_list(
            "doc_number", flat=True,
        )
        serials = [int(m[1]) for n in numbers if (m := re.search(r"〕(\d+)号$", n))]
        return f"{prefix}{max(serials, default=0) + 1}号"


class Recusal(models.Model):
    """A staff member who must stay out of a case (回避): they may not sign for it or act on it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="recusals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="recusals", verbose_name=_("回避人员")
    )
    reason = models.CharField(_("回避理由"), max_length=200)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_recusal")]


# 5人以上为集体访: a case with a contact of this many people or more is a group visit (Case.is_group).
GROUP_SIZE = 5

# The answers some steps record in their event's data, by code (jiefen.cases.steps; read by notices, exports and
# the portal).
REFERRAL_ROUTES = {
    "litigation": _("诉讼"),
    "arbitration": _("仲裁"),
    "admin_review": _("行政复议"),
    "admin_ruling": _("行政裁决"),
    "other": _("其他法定途径"),
}
# How a matter diverted to an organ is told to the petitioner: "向{organ}{phrase}".
ROUTE_PHRASES = {
    "litigation": _("提起诉讼"),
    "arbitration": _("申请仲裁"),
    "admin_review": _("申请行政复议"),
    "admin_ruling": _("申请行政裁决"),
    "other": _("依法提出申请"),
}
# 导入跟踪: what became of a matter diverted to a court, an arbitration commission or another organ.
DIVERSION_RESULTS = {
    "filed": _("已向受理机关提出，已立案（受理）"),
    "decided": _("受理机关已作出裁判（决定）"),
    "not_filed": _("未向受理机关提出"),
    "unreachable": _("未能联系上当事人"),
}


class ReceivingOrgan(models.Model):
    """An organ that matters are diverted to (导入 诉讼、仲裁、行政复议等法定途径): the county's court, its labour
    arbitration commission, the government that hears administrative review. The list is the deployment's own
    (the admin keeps it); `area` limits an organ to the townships below a unit (blank: everywhere)."""

    name = models.CharField(_("受理机关"), max_length=100)
    route = models.CharField(_("法定途径"), max_length=20, choices=list(REFERRAL_ROUTES.items()))
    area = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("管辖范围"),
        help_text=_("留空则各乡镇（街道）均可选择"),
    )
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("导入受理机关")
        verbose_name_plural = _("导入受理机关")
        ordering = ["sort", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_route_display()}）"

    @classmethod
    def for_case(cls, case):
        """The active organs the matter `case` may be diverted to: those of the areas its centre is in."""
        return cls.objects.filter(is_active=True).filter(
            models.Q(area__isnull=True) | models.Q(area_id__in=case.centre.ancestor_ids)
        )


# 协议履行回访: whether the parties keep the agreement. An unkept one (未履行) is flagged where the case is listed.
FOLLOW_UP_RESULTS = {"kept": _("已履行"), "partly": _("部分履行"), "broken": _("未履行")}
# Answers to "are you satisfied with how your matter was handled", stored as these words in Case.satisfaction
# (the figures count them by value); from the portal (网上) or a staff follow-up call (回访).
SATISFACTION = ("满意", "基本满意", "不满意")
SATISFACTION_SOURCES = {"online": _("网上"), "callback": _("回访")}
