"""What each kind of import reads and writes: households, the register of visitors and mediators, ledger rows and
household visits.

An importer turns one row (a dict of canonical column name → cell value) into a clean value or errors
(`clean`), names the key that makes two rows the same (`key`), finds which keys the database already holds
(`existing`), and writes every clean row (`write`), inside the one transaction the job runner opens. Lookups
(grids, villages, visitors, households of the centre) are loaded once, before the first row.
"""

import functools
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.cases.actions import ActionError
from jiefen.cases.actions.handover import do_receive_handed_down
from jiefen.cases.actions.intake import Intake
from jiefen.cases.models import Case, Category, Channel, Handover, LegalClass, Party
from jiefen.cases.personal import clean_id_number, clean_phone, encrypt
from jiefen.grid.models import DisputeKind, DisputeRecord, Finding, Household, HouseholdVisit, RiskLevel, Visitor
from jiefen.org.models import Unit
from jiefen.org.organs import organ_above, organ_of

from .models import ImportJob
from .reading import CellError, Column, Layout, choice, date, split_list, text, whole_number

BATCH_SIZE = 2000
MAX_MEMBERS = 99


class RowError(Exception):
    """A row that validated but could not be written (an action refused it): the whole file is rejected."""

    def __init__(self, row, column, message):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


class Importer:
    layout: Layout
    # The columns a duplicate is reported on (the key's first column).
    key_column = ""

    def __init__(self, job):
        self.job, self.centre, self.user = job, job.centre, job.uploaded_by
        self._cells = None

    def prepare(self):
        """Load the centre's lookups before the first row."""

    def clean(self, row, report):
        """The clean value of `row` (dict of column → cell), or None after `report(column, message)` calls."""
        raise NotImplementedError

    def key(self, value):
        raise NotImplementedError

    def existing(self, values):
        """The keys among `values` that the database already holds."""
        return set()

    def duplicate_message(self, first_row):
        return _("与第%(row)s行重复") % {"row": first_row}

    def existing_message(self):
        raise NotImplementedError

    def write(self, rows):
        """Write every (row number, value); return how many rows were written."""
        raise NotImplementedError

    # Helpers ---------------------------------------------------------------------------------------------------

    def _grids(self):
        grids = list(
            Unit.objects.filter(path__startswith=self.centre.path, kind=Unit.Kind.GRID).select_related("parent")
        )
        self.grid_by_code = {g.code: g for g in grids}
        self.grid_by_name = defaultdict(list)
        for g in grids:
            self.grid_by_name[g.name].append(g)
        self.villages = {
            v.name: v for v in Unit.objects.filter(path__startswith=self.centre.path, kind=Unit.Kind.VILLAGE)
        }

    def _grid(self, code, village_name, grid_name):
        """The grid a row names, by 网格编码 or by 村（社区） + 网格 (or a grid name unique in the township)."""
        if code:
            grid = self.grid_by_code.get(code)
            if grid is None:
                raise CellError(_("本乡镇（街道）没有编码为“%(c)s”的网格") % {"c": code})
            return grid
        if not grid_name:
            raise CellError(_("请填写网格编码或网格名称"))
        candidates = self.grid_by_name.get(grid_name, [])
        if village_name:
            village = self.villages.get(village_name)
            if village is None:
                raise CellError(_("本乡镇（街道）没有“%(v)s”这个村（社区）") % {"v": village_name})
            candidates = [g for g in candidates if g.parent_id == village.pk]
            if not candidates:
                raise CellError(_("%(v)s没有名为“%(g)s”的网格") % {"v": village_name, "g": grid_name})
        if not candidates:
            raise CellError(_("本乡镇（街道）没有名为“%(g)s”的网格") % {"g": grid_name})
        if len(candidates) > 1:
            raise CellError(_("有多个名为“%(g)s”的网格，请填写村（社区）或网格编码") % {"g": grid_name})
        return candidates[0]

    def _visitors(self):
        self.visitor_by_name = defaultdict(list)
        for v in Visitor.objects.filter(centre=self.centre, active=True).only("id", "name", "phone"):
            self.visitor_by_name[v.name].append(v)

    def _visitor(self, name, what):
        found = self.visitor_by_name.get(name, [])
        if not found:
            raise CellError(
                _("%(what)s“%(n)s”不在本中心排查调解人员名册中，请先导入或登记该人员") % {"what": what, "n": name}
            )
        if len(found) > 1:
            raise CellError(_("名册中有%(k)s名“%(n)s”，无法确定是哪一位") % {"k": len(found), "n": name})
        return found[0]


def run_cell(report, column, func, *args):
    """func(*args), or None after reporting the CellError on `column`."""
    try:
        return func(*args)
    except CellError as error:
        report(column, error.message)
    except ValidationError as error:
        report(column, error.messages[0])
    return None


# --------------------------------------------------------------------------------------------------- 住户

class HouseholdImporter(Importer):
    layout = Layout(
        columns=(
            Column("网格编码", required=False, help=gettext_lazy("网格的单位编码；不填则按村（社区）和网格名称查找")),
            Column("村（社区）", required=False, example="东村", aliases=("村", "村社区", "社区")),
            Column("网格", required=False, example="东村第一网格", aliases=("网格名", "网格名称")),
            Column("户主姓名", example="陈大山", aliases=("户主",)),
            Column("住址", example="东村1组12号", aliases=("家庭住址", "地址")),
            Column("家庭人口", example=4, aliases=("人口", "家庭人数")),
            Column("联系电话", required=False, example="13800138000", aliases=("电话",)),
            Column("备注", required=False),
        ),
        one_of=(("网格编码",), ("网格",)),
    )
    key_column = "户主姓名"

    def prepare(self):
        self._grids()

    def clean(self, row, report):
        grid = run_cell(
            report, "网格", self._grid, text(row.get("网格编码")), text(row.get("村（社区）")), text(row.get("网格"))
        )
        head = text(row.get("户主姓名"))
        if not head:
            report("户主姓名", _("请填写户主姓名"))
        elif len(head) > 50:
            report("户主姓名", _("户主姓名不能超过50个字"))
            head = ""
        address = text(row.get("住址"))
        if not address:
            report("住址", _("请填写住址"))
        elif len(address) > 200:
            report("住址", _("住址不能超过200个字"))
        members = run_cell(report, "家庭人口", whole_number, row.get("家庭人口"), 1, MAX_MEMBERS)
        phone = run_cell(report, "联系电话", clean_phone, text(row.get("联系电话")))
        note = text(row.get("备注"))[:200]
        if grid is None or not head or not address or members is None or phone is None or len(address) > 200:
            return None
        return (grid.pk, grid.parent_id, head, address, members, phone, note)

    def key(self, value):
        return value[0], value[2], value[3]

    def existing(self, values):
        keys = {self.key(v) for v in values}
        have = Household.objects.filter(centre=self.centre).values_list("grid_id", "head_name", "address")
        return {k for k in have.iterator(chunk_size=5000) if k in keys}

    def existing_message(self):
        return _("该户已在本网格登记（户主和住址相同）")

    def write(self, rows):
        fields = ("grid", "village", "centre", "head_name", "address", "members", "phone", "note", "active")
        centre = self.centre.pk
        return _insert(Household, fields, (
            # Raw INSERT: encrypt the phone as the model field would (Household.phone is encrypted at rest).
            (grid_id, village_id, centre, head, address, members, encrypt(phone), note, True)
            for _row, (grid_id, village_id, head, address, members, phone, note) in rows
        ))


# ------------------------------------------------------------------------------------------ 排查调解人员

class VisitorImporter(Importer):
    layout = Layout(
        columns=(
            Column("姓名", example="刘调解"),
            Column(
                "类别",
                example="人民调解员",
                help=gettext_lazy("民警、网格员、红管家、五老、人民调解员、律师、村（社区）干部、其他"),
                aliases=("人员类别",),
            ),
            Column("联系电话", required=False, example="13900139000", aliases=("电话",)),
            Column(
                "负责网格",
                required=False,
                example="东村第一网格",
                help=gettext_lazy("多个网格用顿号分隔"),
                aliases=("网格",),
            ),
            Column("擅长领域", required=False, example="土地纠纷、婚姻家庭", aliases=("专长",)),
        ),
    )
    key_column = "姓名"

    def prepare(self):
        self._grids()

    def clean(self, row, report):
        name = text(row.get("姓名"))
        if not name:
            report("姓名", _("请填写姓名"))
        elif len(name) > 50:
            report("姓名", _("姓名不能超过50个字"))
            name = ""
        kind = run_cell(report, "类别", choice, row.get("类别"), Visitor.Kind, "类别")
        phone = run_cell(report, "联系电话", clean_phone, text(row.get("联系电话")))
        grids = []
        for grid_name in split_list(row.get("负责网格")):
            village_name, _sep, bare = grid_name.rpartition("/") if "/" in grid_name else ("", "", grid_name)
            grid = run_cell(report, "负责网格", self._grid_named, village_name, bare)
            if grid is None:
                return None
            grids.append(grid.pk)
        specialities = text(row.get("擅长领域"))
        if len(specialities) > 200:
            report("擅长领域", _("擅长领域不能超过200个字"))
            return None
        if not name or kind is None or phone is None:
            return None
        return (name, kind, phone, tuple(dict.fromkeys(grids)), specialities)

    def _grid_named(self, village_name, grid_name):
        if grid_name in self.grid_by_code:
            return self.grid_by_code[grid_name]
        return self._grid("", village_name, grid_name)

    def key(self, value):
        return value[0], value[2]

    def duplicate_message(self, first_row):
        return _("与第%(row)s行重复（姓名和联系电话相同）") % {"row": first_row}

    def existing(self, values):
        keys = {self.key(v) for v in values}
        return {k for k in Visitor.objects.filter(centre=self.centre).values_list("name", "phone") if k in keys}

    def existing_message(self):
        return _("名册中已有同名同电话的人员")

    def write(self, rows):
        visitors = [
            Visitor(centre=self.centre, name=name, kind=kind, phone=phone, specialities=specialities)
            for _row, (name, kind, phone, _grids, specialities) in rows
        ]
        Visitor.objects.bulk_create(visitors, batch_size=BATCH_SIZE)
        if not all(v.pk for v in visitors):  # backends without RETURNING ids: read them back by the unique key
            ids = {
                (n, p): pk for pk, n, p in Visitor.objects.filter(centre=self.centre).values_list("id", "name", "phone")
            }
            for v in visitors:
                v.pk = ids[(v.name, v.phone)]
        Through = Visitor.grids.through
        links = [
            Through(visitor_id=visitor.pk, unit_id=grid_id)
            for visitor, (_row, value) in zip(visitors, rows)
            for grid_id in value[3]
        ]
        Through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        return len(visitors)


# ---------------------------------------------------------------------------------------- 矛盾纠纷排查台账

class LedgerImporter(Importer):
    layout = Layout(
        columns=(
            Column("排查日期", example="2026-03-05", aliases=("日期", "发现日期")),
            Column("村（社区）", example="东村", aliases=("村", "村社区", "社区")),
            Column(
                "纠纷类型",
                example="邻里纠纷",
                help=gettext_lazy(
                    "土地山林、邻里纠纷、婚姻家庭、劳资纠纷、合同纠纷、损害赔偿、物业纠纷、征地拆迁、其他纠纷"
                ),
                aliases=("类型",),
            ),
            Column("风险等级", example="低", help=gettext_lazy("低、中、高"), aliases=("风险",)),
            Column(
                "当事人",
                example="陈大山",
                help=gettext_lazy("申请方；多人用顿号分隔"),
                aliases=("当事人姓名", "申请人"),
            ),
            Column(
                "身份证号",
                required=False,
                example="11010519491231002X",
                help=gettext_lazy("与当事人一一对应，用顿号分隔；请以文本格式填写"),
                aliases=("身份证号码", "公民身份号码"),
            ),
            Column("联系电话", required=False, example="13800138000", aliases=("电话",)),
            Column(
                "对方当事人",
                required=False,
                example="李小河",
                help=gettext_lazy("多人用顿号分隔"),
                aliases=("被申请人",),
            ),
            Column(
                "纠纷简要情况",
                example="两户因宅基地边界发生争执",
                aliases=("诉求", "诉求/纠纷简要情况", "纠纷情况", "简要情况"),
            ),
            Column(
                "责任调解员",
                required=False,
                example="刘调解",
                help=gettext_lazy("须在排查调解人员名册中"),
                aliases=("调解员",),
            ),
        ),
        # What the ledger export adds: read past on re-import.
        ignored=("案件编号", "办理状态", "调解结果", "履行情况"),
    )
    key_column = "当事人"

    def prepare(self):
        self.villages = {
            v.name: v for v in Unit.objects.filter(path__startswith=self.centre.path, kind=Unit.Kind.VILLAGE)
        }
        self._visitors()
        self.today = timezone.localdate()

    def clean(self, row, report):
        ok = True
        found_on = run_cell(report, "排查日期", date, row.get("排查日期"))
        if found_on is not None and found_on > self.today:
            report("排查日期", _("排查日期不能晚于今天"))
            found_on = None
        village_name = text(row.get("村（社区）"))
        village = self.villages.get(village_name)
        if village is None:
            report(
                "村（社区）",
                _("本乡镇（街道）没有“%(v)s”这个村（社区）") % {"v": village_name}
                if village_name
                else _("请填写村（社区）"),
            )
        kind = run_cell(report, "纠纷类型", choice, row.get("纠纷类型"), DisputeKind, "纠纷类型")
        risk = run_cell(report, "风险等级", choice, row.get("风险等级"), RiskLevel, "风险等级")
        names = split_list(row.get("当事人"))
        if not names:
            report("当事人", _("请填写当事人姓名"))
            ok = False
        raw_ids = split_list(row.get("身份证号"))
        ids = []
        if isinstance(row.get("身份证号"), (int, float)):
            # Excel keeps 15 significant digits of a number: the last digits of the ID are already lost.
            report("身份证号", _("身份证号被Excel当作数字保存，末几位已丢失，请将该列设为文本格式后重新填写"))
            ok, raw_ids = False, []
        elif raw_ids and len(raw_ids) != len(names):
            report(
                "身份证号", _("身份证号有%(i)s个，当事人有%(n)s人，应一一对应") % {"i": len(raw_ids), "n": len(names)}
            )
            ok = False
        for raw in raw_ids:
            cleaned = run_cell(report, "身份证号", _id_number, raw)
            ok = ok and cleaned is not None
            ids.append(cleaned)
        phone = run_cell(report, "联系电话", clean_phone, text(row.get("联系电话")))
        respondents = split_list(row.get("对方当事人"))
        for column, people in (("当事人", names), ("对方当事人", respondents)):
            if any(len(name) > 50 for name in people):
                report(column, _("姓名不能超过50个字"))
                ok = False
        request = text(row.get("纠纷简要情况"))
        if not request:
            report("纠纷简要情况", _("请填写纠纷简要情况"))
        mediator = None
        if text(row.get("责任调解员")):
            mediator = run_cell(report, "责任调解员", self._visitor, text(row.get("责任调解员")), "责任调解员")
            ok = ok and mediator is not None
        if not ok or None in (found_on, village, kind, risk, phone) or not request:
            return None
        ids = ids or [""] * len(names)
        parties = tuple(
            (Party.Role.PETITIONER, name, id_number, phone if i == 0 else "")
            for i, (name, id_number) in enumerate(zip(names, ids))
        ) + tuple((Party.Role.RESPONDENT, name, "", "") for name in respondents)
        return (found_on, village.pk, kind, risk, parties, request, mediator.pk if mediator else None)

    def key(self, value):
        found_on, village_id, kind, _risk, parties, _request, _mediator = value
        first = parties[0]
        return found_on, village_id, kind, first[2] or first[1]

    def duplicate_message(self, first_row):
        return _("与第%(row)s行重复（排查日期、村、纠纷类型和当事人相同）") % {"row": first_row}

    def existing(self, values):
        keys = {self.key(v) for v in values}
        if not keys:
            return set()
        days = [k[0] for k in keys]
        records = DisputeRecord.objects.filter(
            case__centre=self.centre, found_on__gte=min(days), found_on__lte=max(days)
        ).values_list("case_id", "found_on", "case__village_id", "dispute_kind")
        by_case = {case_id: (found_on, village_id, kind) for case_id, found_on, village_id, kind in records}
        first_party = Party.objects.filter(case_id__in=list(by_case)).exclude(role=Party.Role.RESPONDENT).values(
            "case_id"
        ).annotate(first=Min("id"))
        found = set()
        for party in Party.objects.filter(id__in=[p["first"] for p in first_party]):
            found_on, village_id, kind = by_case[party.case_id]
            for who in (party.id_number, party.name):
                if who and (found_on, village_id, kind, who) in keys:
                    found.add((found_on, village_id, kind, who))
        return found

    def existing_message(self):
        return _("台账中已有这条纠纷（排查日期、村、纠纷类型和当事人相同）")

    def write(self, rows):
        from jiefen.grid.actions import do_record_dispute

        villages = {v.pk: v for v in self.villages.values()}
        mediators = {v.pk: v for vs in self.visitor_by_name.values() for v in vs}
        for number, (found_on, village_id, kind, risk, parties, request, mediator_id) in rows:
            try:
                do_record_dispute(
                    self.user, dispute_kind=kind, risk_level=risk, request=request, found_on=found_on,
                    village=villages[village_id], mediator=mediators.get(mediator_id),
                    parties=[{"role": role, "name": name, "id_number": id_number, "phone": phone}
                             for role, name, id_number, phone in parties],
                )
            except ActionError as error:
                raise RowError(number, "", error.message)
        return len(rows)


def _id_number(raw):
    return clean_id_number(raw)


# ------------------------------------------------------------------------------------------------ 入户走访

class VisitImporter(Importer):
    layout = Layout(
        columns=(
            Column("住户编号", required=False, help=gettext_lazy("系统中的住户编号；不填则按户主姓名和住址查找")),
            Column("村（社区）", required=False, aliases=("村", "村社区", "社区")),
            Column(
                "网格",
                required=False,
                help=gettext_lazy("户主姓名和住址在本乡镇不唯一时填写"),
                aliases=("网格名", "网格名称"),
            ),
            Column("户主姓名", required=False, example="陈大山", aliases=("户主",)),
            Column("住址", required=False, example="东村1组12号", aliases=("家庭住址", "地址")),
            Column("走访日期", example="2026-03-05", aliases=("日期",)),
            Column("走访人", example="周网格"),
            Column("走访情况", example="未发现问题", help=gettext_lazy("未发现问题、发现隐患、发现矛盾纠纷")),
            Column("情况记录", required=False, aliases=("备注", "情况说明")),
        ),
        one_of=(("住户编号",), ("户主姓名", "住址")),
        ignored=("案件编号",),
    )
    key_column = "走访日期"
    SHORT_FINDINGS = {"无": Finding.NOTHING, "正常": Finding.NOTHING, "隐患": Finding.CONCERN, "纠纷": Finding.DISPUTE,
                      "矛盾纠纷": Finding.DISPUTE}

    def prepare(self):
        self._visitors()
        self.today = timezone.localdate()
        self.household_by_id = {}
        self.household_by_key = defaultdict(list)
        grids = dict(
            Unit.objects.filter(path__startswith=self.centre.path, kind=Unit.Kind.GRID).values_list("id", "name")
        )
        rows = Household.objects.filter(centre=self.centre, active=True).values_list(
            "id", "grid_id", "village_id", "head_name", "address"
        )
        for pk, grid_id, village_id, head, address in rows.iterator(chunk_size=5000):
            entry = (pk, grid_id, village_id, grids.get(grid_id, ""))
            self.household_by_id[pk] = entry
            self.household_by_key[(head, address)].append(entry)

    def _household(self, number, head, address, grid_name):
        if number:
            try:
                entry = self.household_by_id.get(int(number))
            except ValueError:
                entry = None
            if entry is None:
                raise CellError(_("本乡镇（街道）没有编号为“%(n)s”的在册住户") % {"n": number})
            return entry
        if not head or not address:
            raise CellError(_("请填写住户编号，或户主姓名和住址"))
        found = self.household_by_key.get((head, address), [])
        if grid_name:
            found = [e for e in found if e[3] == grid_name]
        if not found:
            raise CellError(
                _("没有找到户主为“%(h)s”、住址为“%(a)s”的在册住户，请先导入住户") % {"h": head, "a": address}
            )
        if len(found) > 1:
            raise CellError(_("有%(n)s户户主和住址相同，请填写网格或住户编号") % {"n": len(found)})
        return found[0]

    def _finding(self, value):
        raw = text(value)
        if raw in self.SHORT_FINDINGS:
            return self.SHORT_FINDINGS[raw]
        return choice(raw, Finding, "走访情况")

    def clean(self, row, report):
        household = run_cell(
            report, "户主姓名", self._household, text(row.get("住户编号")), text(row.get("户主姓名")),
            text(row.get("住址")), text(row.get("网格")),
        )
        visited_on = run_cell(report, "走访日期", date, row.get("走访日期"))
        if visited_on is not None and visited_on > self.today:
            report("走访日期", _("走访日期不能晚于今天"))
            visited_on = None
        visitor_name = text(row.get("走访人"))
        visitor = None
        if not visitor_name:
            report("走访人", _("请填写走访人"))
        else:
            visitor = run_cell(report, "走访人", self._visitor, visitor_name, "走访人")
        finding = run_cell(report, "走访情况", self._finding, row.get("走访情况"))
        note = text(row.get("情况记录"))
        if household is None or visited_on is None or visitor is None or finding is None:
            return None
        pk, grid_id, village_id, _grid = household
        return (pk, grid_id, village_id, visited_on, visitor.pk, finding, note)

    def key(self, value):
        return value[0], value[3], value[4]

    def duplicate_message(self, first_row):
        return _("与第%(row)s行重复（同一住户、同一天、同一走访人）") % {"row": first_row}

    def existing(self, values):
        if not values:
            return set()
        keys = {self.key(v) for v in values}
        days = [v[3] for v in values]
        have = HouseholdVisit.objects.filter(
            centre=self.centre, visited_on__gte=min(days), visited_on__lte=max(days)
        ).values_list("household_id", "visited_on", "visitor_id")
        return {k for k in have.iterator(chunk_size=5000) if k in keys}

    def existing_message(self):
        return _("系统中已有这条走访记录（同一住户、同一天、同一走访人）")

    def write(self, rows):
        # Visits entered from a paper log open no case: disputes go onto the ledger by the ledger import.
        fields = ("household", "visited_on", "visitor", "finding", "note", "recorded_by", "recorded_at", "grid",
                  "village", "centre")
        ops = connection.ops
        now, user, centre = ops.adapt_datetimefield_value(timezone.now()), self.user.pk, self.centre.pk
        day = functools.lru_cache(maxsize=4096)(ops.adapt_datefield_value)
        return _insert(HouseholdVisit, fields, (
            (household_id, day(visited_on), visitor_id, finding, note, user, now, grid_id, village_id, centre)
            for _row, (household_id, grid_id, village_id, visited_on, visitor_id, finding, note) in rows
        ))


def _insert(model, fields, rows):
    """INSERT value tuples (in database form, every column given) in batches with executemany; return the count.

    At 100,000 visits most of bulk_create's time went into building model instances nobody reads again; this is
    the same statement without them. Callers adapt dates and datetimes (connection.ops) themselves.
    """
    opts, qn = model._meta, connection.ops.quote_name
    columns = ", ".join(qn(opts.get_field(name).column) for name in fields)
    sql = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    written, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


# ------------------------------------------------------------------------------------------------ 上级交办事项

# The exchange layout (jiefen.excel.exchange): what the organ above's file gives for each item it hands down, in
# the order our own export writes it. The export adds the township's result columns, read past on import.
HANDOVER_LAYOUT = Layout(
    columns=(
        Column("交办单编号", example="青信交〔2026〕15号", aliases=("交办编号", "转送编号", "文号")),
        Column("交办机关", example="青山县信访局", aliases=("交办单位", "来文机关")),
        Column("交办方式", example="交办", help=gettext_lazy("交办或转送"), aliases=("方式",)),
        Column("办理期限", required=False, example="2027-01-15", help=gettext_lazy("交办事项必填"),
               aliases=("期限", "办结期限")),
        Column("信访人", example="陈大山", help=gettext_lazy("多人用顿号分隔"), aliases=("信访人姓名", "姓名")),
        Column("身份证号", required=False, example="11010519491231002X",
               help=gettext_lazy("与信访人一一对应，用顿号分隔；请以文本格式填写"), aliases=("身份证号码",)),
        Column("联系电话", required=False, example="13800138000", aliases=("电话",)),
        Column("住址", required=False, example="东村1组"),
        Column("来访人数", required=False, example=1, aliases=("人数",)),
        Column("事项性质", example="申诉求决", help=gettext_lazy("建议意见、检举控告、申诉求决"), aliases=("性质",)),
        Column("事项分类", example="劳动工资", aliases=("分类",)),
        Column("诉求", example="要求支付拖欠的工资", aliases=("信访诉求", "反映事项")),
        Column("事实和理由", required=False, example="", aliases=("事实理由",)),
        Column("办理要求", required=False, example="请依法受理，按期办结并报结"),
    ),
    ignored=("案件编号", "登记日期", "办理状态", "处理意见", "报结情况", "报结日期", "办理结果"),
)
PETITION_CLASSES = [c for c in LegalClass if c != LegalClass.DISPUTE]


class HandoverImporter(Importer):
    """Items the organ above handed down on its own system (its exchange file): each row a case of this township
    with its 交办单 (jiefen.cases.actions.handover.do_receive_handed_down)."""

    layout = HANDOVER_LAYOUT
    key_column = "交办单编号"

    def prepare(self):
        self.categories = {c.name: c for c in Category.objects.all()}
        self.classes = {str(c.label): c.value for c in PETITION_CLASSES} | {c.value: c.value for c in PETITION_CLASSES}
        self.modes = {str(m.label): m.value for m in Handover.Mode} | {m.value: m.value for m in Handover.Mode}
        above = organ_above(organ_of(self.centre))
        self.sender = above.unit if above else None

    def clean(self, row, report):
        number = text(row.get("交办单编号"))
        if not number:
            report("交办单编号", _("请填写交办单编号"))
        elif len(number) > 60:
            report("交办单编号", _("交办单编号不能超过60个字"))
        organ = text(row.get("交办机关"))
        if not organ:
            report("交办机关", _("请填写交办机关"))
        mode = self.modes.get(text(row.get("交办方式")))
        if mode is None:
            report("交办方式", _("交办方式应为“交办”或“转送”"))
        due_on = run_cell(report, "办理期限", date, row.get("办理期限")) if text(row.get("办理期限")) else None
        if mode == Handover.Mode.ASSIGN and due_on is None and not text(row.get("办理期限")):
            report("办理期限", _("交办事项须规定办理期限"))
        names = split_list(row.get("信访人"))
        if not names:
            report("信访人", _("请填写信访人姓名"))
        ids = []
        if isinstance(row.get("身份证号"), (int, float)):
            report("身份证号", _("身份证号被Excel当作数字保存，末几位已丢失，请将该列设为文本格式后重新填写"))
        else:
            raw_ids = split_list(row.get("身份证号"))
            if raw_ids and len(raw_ids) != len(names):
                report("身份证号", _("身份证号有%(i)s个，信访人有%(n)s人，应一一对应")
                       % {"i": len(raw_ids), "n": len(names)})
            ids = [run_cell(report, "身份证号", _id_number, raw) for raw in raw_ids]
        phone = run_cell(report, "联系电话", clean_phone, text(row.get("联系电话")))
        heads = 1
        if text(row.get("来访人数")):
            heads = run_cell(report, "来访人数", whole_number, row.get("来访人数"), 1, 9999)
        legal_class = self.classes.get(text(row.get("事项性质")))
        if legal_class is None:
            report("事项性质", _("事项性质应为建议意见、检举控告或申诉求决"))
        category = self.categories.get(text(row.get("事项分类")))
        if category is None:
            report("事项分类", _("没有“%(c)s”这个事项分类") % {"c": text(row.get("事项分类"))})
        request = text(row.get("诉求"))
        if not request:
            report("诉求", _("请填写诉求"))
        if None in ids or None in (mode, legal_class, category, phone, heads) or not (number and organ and names):
            return None
        if not request or (mode == Handover.Mode.ASSIGN and due_on is None):
            return None
        ids = ids or [""] * len(names)
        parties = tuple(
            {"name": name, "id_number": id_number, "phone": phone if i == 0 else "",
             "address": text(row.get("住址")) if i == 0 else ""}
            for i, (name, id_number) in enumerate(zip(names, ids))
        )
        return {
            "doc_number": number, "from_organ": organ, "mode": mode, "due_on": due_on, "parties": parties,
            "head_count": heads, "legal_class": legal_class, "category": category, "request": request,
            "facts": text(row.get("事实和理由")), "requirements": text(row.get("办理要求")),
        }

    def key(self, value):
        return value["doc_number"]

    def duplicate_message(self, first_row):
        return _("与第%(row)s行的交办单编号相同") % {"row": first_row}

    def existing(self, values):
        if self.sender is None:
            return set()
        numbers = [v["doc_number"] for v in values]
        return set(Handover.objects.filter(from_unit=self.sender, doc_number__in=numbers).values_list(
            "doc_number", flat=True,
        ))

    def existing_message(self):
        return _("该交办单编号已经登记过（同一上级机关），请勿重复导入")

    def write(self, rows):
        for number, value in rows:
            try:
                intake = Intake.build(
                    self.user, kind=Case.Kind.PETITION, channel=Channel.ASSIGNED, legal_class=value["legal_class"],
                    category=value["category"], request=value["request"], facts=value["facts"],
                    parties=value["parties"], head_count=value["head_count"],
                )
                do_receive_handed_down(
                    self.user, intake, mode=value["mode"], doc_number=value["doc_number"], due_on=value["due_on"],
                    from_organ=value["from_organ"], requirements=value["requirements"],
                )
            except ActionError as error:
                raise RowError(number, "", error.message)
        return len(rows)


IMPORTERS = {
    ImportJob.Kind.HOUSEHOLDS: HouseholdImporter,
    ImportJob.Kind.VISITORS: VisitorImporter,
    ImportJob.Kind.LEDGER: LedgerImporter,
    ImportJob.Kind.VISITS: VisitImporter,
    ImportJob.Kind.HANDOVERS: HandoverImporter,
}


def layout_of(kind):
    return IMPORTERS[kind].layout

