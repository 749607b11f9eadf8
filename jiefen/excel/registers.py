"""The standard forms and ledgers (表单台账): their columns, and their rows read in the user's scope and masked.

- 信访事项办理台账: the case list with its own filters (jiefen.cases.queries.case_list, CaseFilter).
- 来访登记簿, 来信登记簿: the visits and the letters (Contact rows) of a period.
- 领导接访登记表: the visitors a leader received (Contact.receiving_leader) in a period, with whether that day was
  the leader's published reception day (jiefen.duty's roster).

Every row passes through `Masker`: ID numbers and phones masked unless the user may reveal them on that case
(access.may_reveal) and asked to; an accuser's identity withheld from anyone who may not see it
(access.may_see_identity). Rows are read in chunks of CHUNK ids, each chunk a query of its own (plus one for its
parties): no cursor stays open between chunks, so an export job can commit its progress between them (on SQLite a
write made while a read cursor is open stays in that read's transaction, holding the write lock to the end), and
the number of queries grows with the chunks, never with the rows.
"""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.cases.access import cases_for, may_reveal, may_see_identity
from jiefen.cases.filters import day_start
from jiefen.cases.models import Channel, Contact, LegalClass, Party, ReplyOutcome, Status
from jiefen.cases.personal import mask_id_number, mask_name, mask_phone
from jiefen.duty.models import DutyShift

CHUNK = 2000
# Past this many rows an export asks for narrower filters: a sheet past it is no longer read by anyone, and the
# case ids of the walk (below) are held in memory.
MAX_ROWS = 200_000

CASE_COLUMNS = [
    ("序号", 7), ("案件编号", 18), ("登记日期", 12), ("来源渠道", 8), ("性质", 9), ("事项分类", 10), ("信访人", 14),
    ("身份证号", 21), ("联系电话", 14), ("村（社区）", 10), ("诉求", 40), ("责任单位", 14), ("办理状态", 12),
    ("受理日期", 12), ("最近期限", 12), ("处理意见", 9), ("办结日期", 12), ("人次", 6),
]
VISIT_COLUMNS = [
    ("序号", 6), ("来访时间", 17), ("案件编号", 18), ("来访人", 14), ("人数", 6), ("身份证号", 21), ("联系电话", 14),
    ("住址", 20), ("反映问题", 40), ("事项分类", 10), ("村（社区）", 10), ("接待人", 9), ("接待领导", 9),
    ("来访次数", 8), ("办理状态", 12),
]
LETTER_COLUMNS = [
    ("序号", 6), ("收信日期", 12), ("案件编号", 18), ("来信人", 14), ("身份证号", 21), ("联系电话", 14),
    ("通信地址", 20), ("来信事由", 40), ("事项分类", 10), ("村（社区）", 10), ("办理去向", 14), ("办理状态", 12),
    ("登记人", 9),
]
RECEPTION_COLUMNS = [
    ("序号", 6), ("接访日期", 12), ("接访领导", 9), ("公开接访日", 9), ("来访人", 14), ("人数", 6), ("身份证号", 21),
    ("联系电话", 14), ("住址", 20), ("反映问题", 40), ("案件编号", 18), ("责任单位", 14), ("办理状态", 12),
]


@dataclass(frozen=True)
class Register:
    code: str
    title: object  # a lazy translation
    columns: list
    channel: str | None = None  # the contacts it lists; None for the case ledger and the receptions


REGISTERS = {
    r.code: r
    for r in [
        Register("cases", _("信访事项办理台账"), CASE_COLUMNS),
        Register("visits", _("来访登记簿"), VISIT_COLUMNS, Channel.VISIT),
        Register("letters", _("来信登记簿"), LETTER_COLUMNS, Channel.LETTER),
        Register("receptions", _("领导接访登记表"), RECEPTION_COLUMNS),
    ]
}


class TooMany(Exception):
    def __init__(self, count):
        super().__init__(count)
        self.count = count


class Masker:
    """How `user` sees a case's parties in a form: names unless they are an accuser's kept from the user; ID
    numbers and phones in full only with `reveal` asked for and allowed on that case."""

    def __init__(self, user, *, reveal=False):
        self.user, self.reveal = user, reveal
        self.revealed = 0  # rows shown with full ID numbers and phones (for the audit record)

    def parties(self, case, parties):
        """(names, ID numbers, first phone, first address) of the petitioners, as `case` (anything with
        legal_class and accused_unit_id) lets the user see them."""
        applicants = [p for p in parties if p["role"] != Party.Role.RESPONDENT]
        if not may_see_identity(self.user, case):
            return "、".join(mask_name(p["name"]) for p in applicants), "", "", ""
        full = self.reveal and may_reveal(self.user, case)
        self.revealed += bool(full and applicants)
        ids = [p["id_number"] if full else mask_id_number(p["id_number"]) for p in applicants if p["id_number"]]
        phone = next((p["phone"] for p in applicants if p["phone"]), "")
        return (
            "、".join(p["name"] for p in applicants), "、".join(ids), phone if full else mask_phone(phone),
            next((p["address"] for p in applicants if p["address"]), ""),
        )


def _identity(row, prefix=""):
    return SimpleNamespace(legal_class=row[f"{prefix}legal_class"], accused_unit_id=row[f"{prefix}accused_unit_id"])


def _parties_of(case_ids):
    """{case id: [party dicts in order]} of these cases: one query (ID numbers and phones decrypted here)."""
    found = {}
    rows = Party.objects.filter(case_id__in=case_ids).order_by("case_id", "id").values(
        "case_id", "role", "name", "id_number", "phone", "address"
    )
    for row in rows:
        found.setdefault(row["case_id"], []).append(row)
    return found


def _walk(ids, fetch):
    """Rows of `fetch(chunk of ids)` (a dict by id), in the order of `ids`, CHUNK at a time."""
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = fetch(part)
        for pk in part:
            if pk in rows:
                yield rows[pk]


def _ids(queryset, limit=None):
    """The ids of `queryset` in its order; TooMany past MAX_ROWS (or only the first `limit`, e.g. for a PDF)."""
    if limit is not None:
        return list(queryset.values_list("id", flat=True)[:limit])
    ids = list(queryset.values_list("id", flat=True)[: MAX_ROWS + 1])
    if len(ids) > MAX_ROWS:
        raise TooMany(len(ids))
    return ids


def _date(moment):
    return timezone.localdate(moment) if moment else None


STATUS = dict(Status.choices)
CHANNELS = dict(Channel.choices)
CLASSES = dict(LegalClass.choices)
OUTCOMES = dict(ReplyOutcome.choices)


# The case ledger ---------------------------------------------------------------------------------------------------

CASE_FIELDS = (
    "id", "number", "received_at", "channel", "legal_class", "accused_unit_id", "category__name", "village__name",
    "request", "responsible_unit__name", "pending_unit__name", "status", "accepted_on", "next_due_on",
    "reply_outcome", "closed_at", "person_times",
)


class CaseLedger:
    """信访事项办理台账: the rows of the case list `cases` (queries.case_list(...).qs: scoped, filtered, ordered)."""

    register = REGISTERS["cases"]

    def __init__(self, user, cases, *, reveal=False, limit=None):
        self.user, self.masker = user, Masker(user, reveal=reveal)
        self.ids = _ids(cases, limit)
        self.count = len(self.ids)
        # With a limit (a PDF), how many the filters select in all, to say that only the first are printed.
        self.total = self.count if limit is None or self.count < limit else cases.order_by().count()

    def _fetch(self, part):
        rows = {row["id"]: row for row in cases_for(self.user).filter(id__in=part).values(*CASE_FIELDS)}
        parties = _parties_of(part)
        for row in rows.values():
            row["parties"] = parties.get(row["id"], [])
        return rows

    def rows(self):
        for n, row in enumerate(_walk(self.ids, self._fetch), start=1):
            names, ids, phone, _address = self.masker.parties(_identity(row), row["parties"])
            unit = row["pending_unit__name"] or row["responsible_unit__name"] or ""
            yield [
                n, row["number"], _date(row["received_at"]), str(CHANNELS.get(row["channel"], "")),
                str(CLASSES.get(row["legal_class"], "")), row["category__name"] or "", names, ids, phone,
                row["village__name"] or "", row["request"], unit, str(STATUS.get(row["status"], "")),
                row["accepted_on"], row["next_due_on"], str(OUTCOMES.get(row["reply_outcome"], "")),
                _date(row["closed_at"]), row["person_times"],
            ]


# The contact registers ---------------------------------------------------------------------------------------------

CONTACT_FIELDS = (
    "id", "occurred_at", "head_count", "recorded_by__full_name", "recorded_by__username",
    "receiving_leader_id", "receiving_leader__full_name", "receiving_leader__username", "case_id", "case__number",
    "case__request", "case__category__name", "case__village__name", "case__status", "case__legal_class",
    "case__accused_unit_id", "case__contact_count", "case__responsible_unit__name", "case__pending_unit__name",
    "case__centre_id",
)


def _name(row, prefix):
    return row[f"{prefix}__full_name"] or row[f"{prefix}__username"] or ""


class ContactRegister:
    """来访登记簿, 来信登记簿 or 领导接访登记表 of `centres` for [start, end]: the contacts of the cases the user may
    see, oldest first. Contacts by occurred_at, through the case scope (jiefen.cases.access)."""

    def __init__(self, user, code, centres, start, end, *, reveal=False, limit=None):
        self.user, self.register = user, REGISTERS[code]
        self.masker = Masker(user, reveal=reveal)
        contacts = Contact.objects.filter(
            case__in=cases_for(user).filter(centre__in=centres),
            occurred_at__gte=day_start(start), occurred_at__lt=day_start(end + dt.timedelta(days=1)),
        )
        if self.register.channel:
            contacts = contacts.filter(channel=self.register.channel)
        else:
            contacts = contacts.filter(receiving_leader__isnull=False)
        self.ids = _ids(contacts.order_by("occurred_at", "id"), limit)
        self.count = len(self.ids)
        self.total = self.count if limit is None or self.count < limit else contacts.count()
        self.duty = set()
        if code == "receptions":  # (centre, day, leader) of the published reception days in the period
            self.duty = set(DutyShift.objects.filter(centre__in=centres, date__gte=start, date__lte=end)
                            .values_list("centre_id", "date", "leader_id"))

    def _fetch(self, part):
        rows = {row["id"]: row for row in Contact.objects.filter(id__in=part).values(*CONTACT_FIELDS)}
        parties = _parties_of({row["case_id"] for row in rows.values()})
        for row in rows.values():
            row["parties"] = parties.get(row["case_id"], [])
        return rows

    def rows(self):
        code = self.register.code
        for n, row in enumerate(_walk(self.ids, self._fetch), start=1):
            names, ids, phone, address = self.masker.parties(_identity(row, "case__"), row["parties"])
            status = str(STATUS.get(row["case__status"], ""))
            unit = row["case__pending_unit__name"] or row["case__responsible_unit__name"] or ""
            at = timezone.localtime(row["occurred_at"])
            if code == "visits":
                yield [
                    n, at.strftime("%Y-%m-%d %H:%M"), row["case__number"], names, row["head_count"], ids, phone,
                    address, row["case__request"], row["case__category__name"] or "", row["case__village__name"] or "",
                    _name(row, "recorded_by"), _name(row, "receiving_leader"), row["case__contact_count"], status,
                ]
            elif code == "letters":
                yield [
                    n, at.date(), row["case__number"], names, ids, phone, address, row["case__request"],
                    row["case__category__name"] or "", row["case__village__name"] or "", unit or str(_("本中心")),
                    status, _name(row, "recorded_by"),
                ]
            else:
                on_duty = (row["case__centre_id"], at.date(), row["receiving_leader_id"]) in self.duty
                yield [
                    n, at.date(), _name(row, "receiving_leader"), str(_("是") if on_duty else _("否")), names,
                    row["head_count"], ids, phone, address, row["case__request"], row["case__number"], unit, status,
                ]
