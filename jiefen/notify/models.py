"""Supervision (督办) of the statutory clocks, and the notifications it sends: in the app and by SMS or e-mail."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SupervisionRule(models.Model):
    """When the worker reminds or escalates on a running obligation clock, and whom it tells (督办规则)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        ESCALATION = "escalation", _("超期督办")

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.REMINDER)
    working_days = models.PositiveSmallIntegerField(
        _("工作日数"),
        default=3,
        help_text=_(
            "到期提醒：还剩几个工作日时提醒（3 = 期限届满前第3个工作日，0 = 届满当日）；"
            "超期督办：超期第几个工作日督办（1 = 届满后的第一个工作日）"
        ),
    )
    clocks = models.ManyToManyField(
        "clocks.ClockRule",
        blank=True,
        verbose_name=_("适用期限"),
        help_text=_("不选则适用全部机关办理期限（信访人的申请期限不督办）"),
        limit_choices_to={"is_obligation": True},
    )
    to_handlers = models.BooleanField(
        _("通知承办人"), default=True, help_text=_("责任单位的承办人和单位负责人；尚未交办的，通知登记人和接待领导")
    )
    to_owners = models.BooleanField(_("通知包案领导"), default=True)
    to_director = models.BooleanField(_("通知中心主任"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")
        ordering = ["kind", "-working_days", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.ESCALATION and self.working_days < 1:
            raise ValidationError({"working_days": _("超期督办至少在超期第1个工作日进行")})


class SupervisionManager(models.Manager):
    def claim(self, **fields):
        """Insert the firing, or return None if it is already there (an earlier round, another worker).

        This insert is the one place that makes a reminder or an escalation happen once: the unique constraint
        decides between two workers, not a lock held in Python. On PostgreSQL the second insert waits for the first
        transaction and then fails; the savepoint lets the caller carry on with the next firing.
        """
        try:
            with transaction.atomic():
                return self.create(**fields)
        except IntegrityError:
            return None


class Supervision(models.Model):
    """One firing of a supervision rule on one clock: a reminder sent, or a case escalated with a 督办单 (督办记录).

    One row per clock, rule and due date: the same reminder goes out once however many workers run, and an approved
    extension, which moves the due date, earns the clock its reminders afresh.
    """

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="supervisions", verbose_name=_("案件"))
    deadline = models.ForeignKey(
        "cases.Deadline", models.CASCADE, related_name="supervisions", verbose_name=_("期限")
    )
    # Rules are switched off, not deleted, once they have fired: the record says which rule it followed.
    rule = models.ForeignKey(SupervisionRule, models.PROTECT, related_name="+", verbose_name=_("督办规则"))
    kind = models.CharField(_("类型"), max_length=12, choices=SupervisionRule.Kind.choices)
    due_on = models.DateField(_("截止日"))
    fired_at = models.DateTimeField(_("督办时间"))
    # Working days left (reminder) or overdue (escalation) on the day it fired.
    working_days = models.PositiveSmallIntegerField(_("工作日数"))
    event = models.ForeignKey(
        "cases.Event", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("办理记录")
    )
    # The 督办单 as issued: later changes to the case (owners, unit) do not rewrite a document already sent.
    notice = models.FileField(_("督办单"), upload_to="supervision/%Y/%m/", blank=True)

    objects = SupervisionManager()

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-fired_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["deadline", "rule", "due_on"], name="unique_supervision")]
        indexes = [models.Index(fields=["case", "-fired_at"], name="supervision_case_fired")]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()} {self.due_on}"


class NotificationManager(models.Manager):
    def create_once(self, **fields):
        """Create the notification unless one with its dedupe_key exists; return it, or None if it did."""
        try:
            with transaction.atomic():
                return self.create(**fields)
        except IntegrityError:
            return None


class Notification(models.Model):
    """A message to one member of staff, shown under the bell in the app and sent on by SMS or e-mail."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        ESCALATION = "escalation", _("超期督办")
        NOTICE = "notice", _("通知")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    case = models.ForeignKey(
        "cases.Case", models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("案件")
    )
    supervision = models.ForeignKey(
        Supervision, models.SET_NULL, null=True, blank=True, related_name="notifications", verbose_name=_("督办记录")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # What makes two notifications the same one, e.g. "reminder:<deadline>:<due>:<rule>:<recipient>"; unique, so
    # a second worker's insert fails instead of telling anyone twice. Empty (NULL) for one-off messages.
    dedupe_key = models.CharField(max_length=150, null=True, blank=True, unique=True, editable=False)

    objects = NotificationManager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The notification page: one person's, newest first (queries.inbox).
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The bell on every page: one person's unread count (queries.unread_count).
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.title


class DeliveryManager(models.Manager):
    def pending(self, now):
        """Deliveries neither sent nor given up whose next attempt is due (reads the delivery_pending index)."""
        return self.filter(sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now)

    def claim(self, delivery, now, lease):
        """Take `delivery` for one attempt; False if another worker took it first.

        A conditional UPDATE, committed on its own: of two workers that read the same pending row, one moves
        `attempts` on and the other updates nothing. The claim pushes the next attempt `lease` ahead, so a worker
        that dies while sending leaves the row to be tried again, not stuck.
        """
        claimed = self.pending(now).filter(pk=delivery.pk, attempts=delivery.attempts).update(
            attempts=F("attempts") + 1, next_attempt_at=now + lease
        )
        if claimed:
            delivery.attempts += 1
            delivery.next_attempt_at = now + lease
        return bool(claimed)


class Delivery(models.Model):
    """One notification on one outside channel: a row of the outbox the worker empties (DESIGN.md §4)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries", verbose_name=_("通知"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    objects = DeliveryManager()

    class Meta:
        verbose_name = _("通知发送")
        verbose_name_plural = _("通知发送")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="unique_delivery_channel")]
        indexes = [
            # The worker's round: what is still to send and due now (DeliveryManager.pending).
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="delivery_pending",
            ),
        ]

    def __str__(self):
        return f"{self.notification} · {self.get_channel_display()}"

    @property
    def state(self):
        if self.sent_at:
            return _("已发送")
        if self.given_up_at:
            return _("发送失败")
        return _("待发送")


class PetitionerMessage(models.Model):
    """An SMS to a petitioner who agreed to it at intake (Party.sms_consent), on a step of their matter (受理, 转送,
    延期, 答复送达, 复查/复核): written with the step, sent through the SMS backend after it commits, once."""

    case = models.ForeignKey(
        "cases.Case", models.CASCADE, related_name="petitioner_messages", verbose_name=_("案件")
    )
    party = models.ForeignKey("cases.Party", models.CASCADE, related_name="+", verbose_name=_("信访人"))
    event = models.ForeignKey("cases.Event", models.CASCADE, related_name="+", verbose_name=_("办理记录"))
    text = models.TextField(_("短信内容"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    objects = DeliveryManager()  # the same pending/claim as the staff outbox

    class Meta:
        verbose_name = _("信访人短信")
        verbose_name_plural = _("信访人短信")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "party"], name="unique_petitioner_message")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="petitioner_message_pending",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.text[:20]}"

    @property
    def state(self):
        return Delivery.state.fget(self)
