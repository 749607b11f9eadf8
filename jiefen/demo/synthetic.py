"""A synthetic county for the benchmark: townships, villages, staff and N cases over ten years.

Rows are generated in Python and written with executemany (SQLite) or COPY (PostgreSQL), in batches, with ids
chosen here: the ORM would spend most of its time building model instances. Values are made consistent with
what the actions would have written (status path → events, deadlines, next_due_on; CaseSequence → numbers;
search rows through search.tokens), but no audit records are written for them.
"""

import bisect
import datetime as dt
import hmac
import itertools
import queue
import random
import string
import threading
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from jiefen.cases import search
from jiefen.cases.actions.intake import QUERY_CODE_ALPHABET
from jiefen.cases.models import (
    Case,
    CaseSequence,
    Category,
    Contact,
    Deadline,
    Event,
    LegalClass,
    Party,
    Status,
    StatusGroup,
)
from jiefen.cases.personal import encrypt
from jiefen.clocks.calendar import WorkCalendar, compute_due
from jiefen.clocks.models import ClockRule
from jiefen.org.models import Role, Unit, User

COUNTY_CODE = "330122"  # 桐庐县: a real region code, so generated ID numbers carry a valid birthplace
COUNTY_NAME = "桐庐县（合成数据）"
PASSWORD = "synthetic-pass-1234"
YEARS = 10
BATCH = 5000

# Names avoid 工, 资, 鱼 and 塘 so that a search for 工资 or 鱼塘 matches through the request text (and the
# category 劳动工资) only, and the test can count the expected hits from the text alone.
TOWNSHIP_NAMES = [
    "青山镇", "白水镇", "桃源乡", "石门镇", "柳溪镇", "凤鸣街道", "新合乡", "横村镇", "分水镇", "瑶琳镇",
    "百江镇", "合村乡", "富春江镇", "江南镇", "钟山乡", "莪山乡", "城南街道", "旧县街道", "凤川街道", "大源镇",
]
VILLAGE_HEADS = list("东西南北上下前后大小新高石柳桃杨李王张龙凤青白黄花竹松梅兰金银马")
VILLAGE_TAILS = ["家村", "山村", "溪村", "岭村", "坑村", "坞村", "桥村", "湾村", "口村", "源村", "畈村", "社区"]
DEPARTMENTS = ["派出所", "司法所", "自然资源所", "劳动保障所", "农业农村办", "综合执法队", "民政办", "财政所"]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
)
GIVEN = list("建国华明丽芳军伟强秀英玉兰红霞平刚文杰勇敏静桂荣海燕春梅德福林志永兴庆东生荣宝根发财水仙凤珍")
COMPANIES = ["宏达建材有限公司", "鑫源纺织厂", "永安建筑劳务公司", "华丰食品厂", "恒通物流公司", "绿野农业合作社",
             "金桥电子厂", "顺发装饰公司"]

# Share of cases by category (the 15 seeded in cases.0003); 劳动工资 at 3% plus wage mentions elsewhere puts
# 工资 at about 4% of cases, and 鱼塘 comes out at about 4% through land, water and environment matters.
CATEGORY_WEIGHTS = {
    "土地征收": 8, "房屋拆迁": 5, "农村土地承包": 12, "宅基地": 9, "劳动工资": 3, "社会保障": 7, "环境保护": 7,
    "城乡建设": 7, "邻里纠纷": 14, "婚姻家庭": 8, "山林水利": 6, "涉法涉诉": 3, "干部作风": 4, "民生服务": 5, "其他": 2,
}
REQUESTS = {
    "土地征收": [
        "反映{village}{group}组土地被征收后补偿款{amount}元至今未发放到位，要求尽快兑付。",
        "对{village}征地补偿标准有异议，认为明显低于周边地区，要求重新核定。",
        "反映征地时青苗补偿漏算，要求补发。",
    ],
    "房屋拆迁": [
        "反映{village}旧房拆迁安置房迟迟未交付，要求明确交房时间。",
        "对拆迁评估面积有异议，要求重新测量房屋面积。",
        "反映拆迁过渡费已停发{months}个月，要求继续发放。",
    ],
    "农村土地承包": [
        "反映{village}{group}组土地承包经营权被他人占用，要求返还承包地。",
        "反映{village}村委会将其承包的鱼塘另行发包，要求按原合同续包鱼塘。",
        "要求核实土地确权登记面积与实际承包面积不符的问题。",
        "反映土地流转租金{amount}元未按约支付，要求流转方履约。",
        "反映外嫁女在{village}的土地承包权益被取消，要求恢复。",
        "反映承包山地被邻组村民开垦，双方界址不清，要求勘界。",
    ],
    "宅基地": [
        "反映邻居{neighbor}建房占用其宅基地约{area}平方米，要求拆除恢复。",
        "申请在{village}{group}组审批宅基地建房，至今未获批复。",
        "反映宅基地使用权证登记面积有误，要求更正。",
    ],
    "劳动工资": [
        "反映{company}拖欠其{year}年工资{amount}元，多次讨要未果，要求尽快支付。",
        "要求{company}结清{months}个月的工资及加班费。",
        "反映在{village}工地务工被拖欠工资，包工头{neighbor}已联系不上。",
        "反映{company}未签劳动合同且克扣工资，要求依法处理。",
    ],
    "社会保障": [
        "要求办理城乡居民养老保险待遇领取手续。",
        "反映低保资格被取消，认为家庭困难，要求重新审核。",
        "反映原单位未足额缴纳社会保险，按工资基数少缴，要求补缴。",
        "要求解决残疾人两项补贴未发放的问题。",
        "反映医疗保险报销比例过低，要求解释说明。",
    ],
    "环境保护": [
        "反映{company}夜间生产噪声扰民，要求整改。",
        "反映附近养殖场污水直排河道，气味难闻，要求治理。",
        "反映工厂排污导致其鱼塘鱼苗大量死亡，要求赔偿损失{amount}元。",
        "反映{village}垃圾中转站选址离住户太近，要求搬迁。",
        "反映石料场粉尘污染严重，影响农作物生长。",
        "反映焚烧秸秆烟雾影响生活，要求制止。",
        "反映屠宰点污水未经处理排放，要求关停。",
        "反映河道采砂破坏堤岸，要求查处。",
    ],
    "城乡建设": [
        "反映{village}道路硬化工程质量差，路面开裂，要求返修。",
        "反映村口路灯长期不亮，要求维修。",
        "反映违章搭建占用消防通道，要求拆除。",
    ],
    "邻里纠纷": [
        "与邻居{neighbor}因排水沟走向发生纠纷，要求调解。",
        "反映邻居{neighbor}种植树木遮挡其房屋采光，要求修剪。",
        "与邻居因通行道路发生争执，要求恢复通行。",
        "与邻居{neighbor}因饲养家禽噪声发生矛盾，要求调解。",
    ],
    "婚姻家庭": [
        "子女拒不履行赡养义务，要求调解赡养费每月{small}元。",
        "兄弟之间因父母遗留房屋分割发生纠纷，要求调解。",
        "夫妻因感情不和发生纠纷，要求调解抚养费问题。",
    ],
    "山林水利": [
        "反映与邻村山林权属界线不清，发生争议，要求确权。",
        "反映上游企业排水导致其鱼塘水质变坏，要求赔偿。",
        "反映{village}灌溉水渠年久失修，影响农田灌溉。",
        "反映山塘水库承包合同到期后未重新公开发包。",
        "反映林地被他人擅自砍伐毛竹，要求处理。",
    ],
    "涉法涉诉": [
        "对法院民事判决不服，要求重新审理。",
        "反映判决已生效但对方拒不履行，要求强制执行{amount}元。",
    ],
    "干部作风": [
        "反映{village}村干部在低保评定中优亲厚友，要求调查。",
        "反映村务财务长期不公开，要求公开账目。",
        "反映办事窗口工作人员态度生硬，推诿扯皮。",
    ],
    "民生服务": [
        "反映{village}自来水水压不足，要求改善供水。",
        "要求开通{village}至镇区的公交班车。",
        "反映农村电网电压不稳，家用电器损坏。",
    ],
    "其他": [
        "咨询相关政策，要求书面答复。",
        "反映网络信息不实，要求核查。",
    ],
}
FACTS = [
    "信访人称该问题已持续{years}年。", "曾多次向村委会反映，未得到解决。", "村调解委员会曾组织调解，双方未达成一致。",
    "经初步了解，情况基本属实。", "信访人情绪较为激动。", "双方对事实陈述存在较大分歧。", "信访人提供了相关书面材料。",
    "涉及农户{small}户。", "信访人表示如不解决将继续上访。", "现场查看后确有此事。",
]
FOLLOW_UP_NOTES = ["再次来访询问办理进度", "来电催办", "补充提交材料", "反映问题仍未解决"]
SATISFACTION = ["满意", "满意", "满意", "基本满意", "基本满意", "不满意", ""]


class Dice:
    """random.Random with the few draws the loader makes per row, without the per-call cost of choice()."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.random = self.rng.random

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def int(self, low, high):
        return low + int(self.random() * (high - low + 1))

    def weighted(self, seq, cum_weights):
        return seq[bisect.bisect(cum_weights, self.random() * cum_weights[-1])]


# GB 11643: region codes stdnum knows for every birth year, and the check-digit weights.
REGIONS = ("330122", "330127", "330100")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
BORN_FROM = dt.date(1945, 1, 1)


def id_number(dice):
    """An 18-character resident ID number with a valid birthplace, birth date and check digit."""
    birth = BORN_FROM + dt.timedelta(days=dice.int(0, 60 * 365))
    first17 = f"{dice.pick(REGIONS)}{birth.isoformat().replace('-', '')}{dice.int(0, 999):03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def phone(dice):
    return f"1{dice.pick('3456789')}{dice.int(0, 10**9 - 1):09d}"


def person_name(dice):
    given = dice.pick(GIVEN) if dice.random() < 0.3 else dice.pick(GIVEN) + dice.pick(GIVEN)
    return dice.pick(SURNAMES) + given


class _Ids:
    """Next free id per model, so rows can be written with their keys without a round trip each."""

    def __init__(self):
        self.next = {}

    def take(self, model, n=1):
        if model not in self.next:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next[model] = last + 1
        first = self.next[model]
        self.next[model] += n
        return first


class _Writer:
    """Append rows to a table by executemany (SQLite) or COPY (PostgreSQL); timestamps as UTC text."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.tables = {}
        self.key = settings.PERSONAL_DATA_HASH_KEY.encode()

    def prepare(self, model, field_names):
        """Columns for `field_names` plus the model's other concrete fields filled with their defaults."""
        given = set(field_names)
        extra_cols, extra_vals = [], []
        for field in model._meta.concrete_fields:
            if field.name in given or field.attname in given:
                continue
            if not field.has_default() and not field.null and not getattr(field, "auto_now", False):
                raise RuntimeError(f"synthetic.py does not fill {model.__name__}.{field.name}: add it there")
            value = timezone.now() if getattr(field, "auto_now", False) else field.get_default()
            extra_cols.append(field.column)
            extra_vals.append(field.get_db_prep_save(value, connection))
        cols = [model._meta.get_field(name).column for name in field_names] + extra_cols
        self.tables[model] = (model._meta.db_table, cols, tuple(extra_vals))

    def ts(self, value):
        """A naive UTC datetime as the text both backends store and parse (Django keeps SQLite in UTC)."""
        return value.isoformat(" ") + "+00:00" if self.pg else value.isoformat(" ")

    def hash(self, value):
        """personal.keyed_hash, with the one-shot C HMAC: the same digest, a fifth of the time."""
        return hmac.digest(self.key, value.encode(), "sha256").hex() if value else ""

    def write(self, model, rows):
        table, cols, extra = self.tables[model]
        if extra:
            rows = [row + extra for row in rows]
        self._write(table, cols, rows)

    def write_search(self, rows):
        """(case id, centre id, terms) rows of the search table made in cases.0003 (see search.py)."""
        if self.pg:
            self._write("cases_fts", ["case_id", "centre_id", "terms"], rows)
        else:
            self._write("cases_fts", ["rowid", "terms"], [(pk, " ".join(terms)) for pk, _centre, terms in rows])

    def _write(self, table, cols, rows):
        if not rows:
            return
        quote = connection.ops.quote_name
        col_sql = ", ".join(quote(c) for c in cols)
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {quote(table)} ({col_sql}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["?"] * len(cols))
                cursor.cursor.executemany(f"INSERT INTO {quote(table)} ({col_sql}) VALUES ({marks})", rows)


CASE_FIELDS = [
    "id", "number", "query_code", "kind", "centre", "channel", "legal_class", "category", "village", "request",
    "facts", "status", "version", "responsible_unit", "accused_unit", "identity_unknown", "is_group", "received_at",
    "received_by", "receiving_leader", "contact_count", "person_times", "accepted_on", "reply_outcome",
    "reply_served_on", "closed_at", "resolved", "satisfaction", "next_due_on", "schedule_warning", "updated_at",
]
PARTY_FIELDS = [
    "id", "case", "role", "name", "id_number", "phone", "address", "village", "id_number_hash", "phone_hash",
]
CONTACT_FIELDS = ["id", "case", "channel", "occurred_at", "head_count", "receiving_leader", "recorded_by", "note"]
EVENT_FIELDS = ["id", "case", "kind", "at", "actor", "from_status", "to_status", "summary", "note", "data", "public"]
DEADLINE_FIELDS = [
    "id", "case", "rule", "state", "started_on", "length", "unit", "due_on", "explanation", "warning", "additions",
    "paused_on", "finished_on",
]


class Township:
    def __init__(self, unit, villages, departments, clerks, leaders, handlers):
        self.unit, self.villages, self.departments = unit, villages, departments
        self.clerks, self.leaders, self.handlers = clerks, leaders, handlers
        self.sequence = {}  # year → last number issued
        self.petitioners = []  # recent petitioners, some of whom come back with a new matter


def build_county(townships, villages, dice):
    """Create the county, its townships with villages and departments, and staff; return [Township]."""
    ids = _Ids()
    county = Unit.objects.create(name=COUNTY_NAME, kind=Unit.Kind.COUNTY, code=COUNTY_CODE)
    units, staff, result = [], [], []
    password = make_password(PASSWORD)

    def add_unit(name, kind, parent, code):
        pk = ids.take(Unit)
        unit = Unit(id=pk, name=name, kind=kind, code=code, parent_id=parent.id, path=f"{parent.path}{pk}/",
                    sort=len(units))
        units.append(unit)
        return unit

    def add_staff(username, role, unit, **extra):
        user = User(id=ids.take(User), username=username, password=password, role=role, unit_id=unit.id,
                    full_name=person_name(dice), **extra)
        staff.append(user)
        return user

    village_names = [head + tail for head in VILLAGE_HEADS for tail in VILLAGE_TAILS]
    for t in range(townships):
        name = TOWNSHIP_NAMES[t] if t < len(TOWNSHIP_NAMES) else f"第{t + 1}镇"
        code = f"{COUNTY_CODE}{101 + t:03d}"
        town = add_unit(name, Unit.Kind.TOWNSHIP, county, code)
        names = dice.rng.sample(village_names, villages)
        vills = [add_unit(n, Unit.Kind.VILLAGE, town, f"{code}{201 + i:03d}") for i, n in enumerate(names)]
        depts = [add_unit(n, Unit.Kind.DEPARTMENT, town, f"{code}D{i + 1:02d}") for i, n in enumerate(DEPARTMENTS)]
        prefix = f"syn-t{t + 1:02d}"
        clerks = [add_staff(f"{prefix}-clerk{i + 1}", Role.CLERK, town) for i in range(2)]
        leaders = [add_staff(f"{prefix}-leader{i + 1}", Role.LEADER, town) for i in range(2)]
        add_staff(f"{prefix}-director", Role.DIRECTOR, town, is_unit_head=True)
        handlers = {u.id: add_staff(f"{prefix}-handler{i + 1}", Role.HANDLER, u, is_unit_head=True)
                    for i, u in enumerate(depts + vills)}
        result.append(Township(town, vills, depts, clerks, leaders, handlers))
    add_staff(SUPERVISOR, Role.SUPERVISOR, county)
    Unit.objects.bulk_create(units)
    User.objects.bulk_create(staff)
    return result


SUPERVISOR = "syn-supervisor"


def clerk_username(township_index=0):
    return f"syn-t{township_index + 1:02d}-clerk1"


def is_loaded():
    return Unit.objects.filter(code=COUNTY_CODE).exists()


CLOSED = frozenset(StatusGroup.COUNTED_AS_DONE)  # closed_at is set for these
PRIVATE_EVENTS = frozenset({"note", "contact", "mediation_session"})
UNIT_STEPS = frozenset({"reply", "close", "agree", "mediation_failed", "refer", "note", "mediation_session"})
CHANNEL_LABELS = {"visit": "来访", "call": "来电", "letter": "来信", "online": "网上", "fax": "传真",
                  "grid": "网格排查", "assigned": "上级交办"}
SLOTS = {
    "village": lambda d, village: village.name,
    "group": lambda d, village: str(d.int(1, 12)),
    "amount": lambda d, village: str(d.int(20, 2000) * 100),
    "months": lambda d, village: str(d.int(2, 14)),
    "company": lambda d, village: d.pick(COMPANIES),
    "neighbor": lambda d, village: person_name(d),
    "area": lambda d, village: str(d.int(5, 60)),
    "small": lambda d, village: str(d.int(3, 20)),
    "years": lambda d, village: str(d.int(1, 8)),
}


def _compile(template):
    """A template as (text, slot) pieces, so a request is built without str.format and its unused draws."""
    return [(text, SLOTS.get(name)) for text, name, _spec, _conv in string.Formatter().parse(template)]


def _fill(pieces, dice, village):
    return "".join(text + (slot(dice, village) if slot else "") for text, slot in pieces)


def _cumulative(weights):
    return list(itertools.accumulate(weights))


class CaseFactory:
    """Makes the rows of one case at a time into `rows`, per table, until the batch is written."""

    def __init__(self, townships, dice, writer):
        d = self.dice = dice
        self.w = writer
        self.townships = townships
        self.town_cum = _cumulative([1.5] + [0.5 + 0.8 * d.random() for _t in townships[1:]])
        self.categories = list(Category.objects.all())
        self.category_cum = _cumulative([CATEGORY_WEIGHTS.get(c.name, 2) for c in self.categories])
        year = timezone.localdate().year
        self.requests = {name: [_compile(t) for t in templates] for name, templates in REQUESTS.items()}
        self.requests["劳动工资"] = [_compile(t.replace("{year}", str(year - k))) for t in REQUESTS["劳动工资"]
                                 for k in range(3)]
        self.facts = [_compile(f) for f in FACTS]
        self.rules = {r.code: r for r in ClockRule.objects.filter(active=True)}
        self.calendar = WorkCalendar(range(year - 1, year + 2))
        self.now = timezone.now().replace(tzinfo=None, microsecond=0)
        # Local dates by a fixed offset: Asia/Shanghai has had no daylight saving since 1991, and
        # timezone.localtime per row would cost a tenth of the load time.
        self.offset = timezone.localtime().utcoffset()
        self.today = (self.now + self.offset).date()
        ids = _Ids()
        self.next_id = {model: ids.take(model, 0) for model in (Case, Party, Contact, Event, Deadline)}

    def reset(self):
        self.rows = {Case: [], Party: [], Contact: [], Event: [], Deadline: [], "search": []}

    def _id(self, model):
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        return pk

    def make(self, received):
        """All rows of one case received at `received` (naive UTC)."""
        d, ts = self.dice, self.w.ts
        town = d.weighted(self.townships, self.town_cum)
        category = d.weighted(self.categories, self.category_cum)
        village = d.pick(town.villages)
        dispute = category.name in ("邻里纠纷", "婚姻家庭") or d.random() < 0.1
        kind = Case.Kind.DISPUTE if dispute else Case.Kind.PETITION
        if dispute:
            legal_class = LegalClass.DISPUTE
            channel = "grid" if d.random() < 0.4 else d.weighted(CHANNELS, CHANNEL_CUM)
        else:
            legal_class = d.weighted(LEGAL_CLASSES, LEGAL_CLASS_CUM)
            channel = d.weighted(CHANNELS, CHANNEL_CUM)
        local = received + self.offset
        year = local.year
        town.sequence[year] = seq = town.sequence.get(year, 0) + 1
        number = f"{town.unit.code}-{year}-{seq:05d}"
        case_id = self._id(Case)
        clerk = d.pick(town.clerks)
        leader = d.pick(town.leaders) if channel == "visit" and d.random() < 0.4 else None
        heads = d.int(5, 30) if d.random() < 0.03 else (2 if d.random() < 0.25 else 1)
        request = _fill(d.pick(self.requests.get(category.name, self.requests["其他"])), d, village)
        facts = "".join(_fill(d.pick(self.facts), d, village) for _i in range(d.int(1, 3)))
        accused = d.pick(town.departments) if legal_class == LegalClass.ACCUSATION else None
        identity_unknown = channel == "letter" and d.random() < 0.1
        parties = self._parties(d, town, village, dispute, heads, identity_unknown, case_id)

        # The path of steps taken so far decides status, events, dates and clocks.
        steps, status = self._path(kind, (self.today - local.date()).days)
        times = self._times(received, len(steps))
        version, accepted_on, served_on, closed_at, unit = 1, None, None, None, None
        events = [("register", received, clerk, "", Status.REGISTERED, f"登记{CHANNEL_LABELS[channel]}，{heads}人")]
        state = Status.REGISTERED
        for (action, target), at in zip(steps, times):
            actor = d.pick(town.leaders)
            summary = ACTION_SUMMARY[action]
            if action == "assign":
                # Never to the accused unit (access.assignable_units).
                choices = town.departments if kind == Case.Kind.PETITION else town.villages
                unit = d.pick(choices)
                if unit is accused:
                    unit = choices[(choices.index(unit) + 1) % len(choices)]
                summary = f"{summary}：{unit.name}"
            elif action in UNIT_STEPS and unit is not None:
                actor = town.handlers.get(unit.id, actor)
            if action == "accept":
                accepted_on = (at + self.offset).date()
            elif action == "reply":
                served_on = min((at + self.offset).date() + dt.timedelta(days=d.int(0, 3)), self.today)
            elif action in ("close", "decide_rereview", "not_accept", "forward"):
                closed_at = at
            events.append((action, at, actor, state, target or state, summary))
            if target:
                state = target
                version += 1

        # Contacts: the first visit or call, then sometimes more on the same matter, each with a "contact" event.
        last = times[-1] if times else min(received + dt.timedelta(days=3), self.now)
        more = 0 if d.random() < 0.7 else (1 if d.random() < 0.75 else 2)
        contact_times = [received] + sorted(received + dt.timedelta(seconds=int((last - received).total_seconds()
                                                                                * d.random())) for _i in range(more))
        person_times = 0
        contacts = self.rows[Contact]
        for i, at in enumerate(contact_times):
            if i == 0:
                n, ch, note = heads, channel, ""
            else:
                n, ch, note = (2 if d.random() < 0.2 else 1), d.pick(("visit", "call")), d.pick(FOLLOW_UP_NOTES)
                events.append(("contact", at, clerk, state, state, f"再次{CHANNEL_LABELS[ch]}，{n}人"))
            person_times += n
            contacts.append((self._id(Contact), case_id, ch, ts(at), n, leader.id if leader and i == 0 else None,
                             clerk.id, note))
        event_rows = self.rows[Event]
        for action, at, actor, from_status, to_status, summary in events:
            event_rows.append((self._id(Event), case_id, action, ts(at), actor.id, from_status, to_status, summary, "",
                               "{}", action not in PRIVATE_EVENTS))

        next_due, warned = self._deadlines(case_id, kind, status, identity_unknown, local.date(), accepted_on,
                                           served_on, times)
        closed = status == Status.CLOSED
        self.rows[Case].append((
            case_id, number, "".join(d.pick(QUERY_CODE_ALPHABET) for _i in range(6)), kind, town.unit.id, channel,
            legal_class, category.id, village.id, request, facts, status, version, unit.id if unit else None,
            accused.id if accused else None, identity_unknown, heads >= 5, ts(received), clerk.id,
            leader.id if leader else None, len(contact_times), person_times,
            accepted_on.isoformat() if accepted_on else None, d.pick(OUTCOMES) if served_on else "",
            served_on.isoformat() if served_on else None, ts(closed_at) if status in CLOSED and closed_at else None,
            d.random() < 0.85 if closed else None, d.pick(SATISFACTION) if closed else "",
            next_due.isoformat() if next_due else None, warned, ts(max(e[1] for e in events)),
        ))
        # The same text as search.index_case: number, category, village, party names, request, facts.
        text = " ".join([number, category.name, village.name, " ".join(parties), request, facts])
        self.rows["search"].append((case_id, town.unit.id, search.tokens(text)))

    def _parties(self, d, town, village, dispute, heads, identity_unknown, case_id):
        """Party rows of the case: a petitioner (sometimes one who came before) and often a second party."""
        people = []
        if identity_unknown:
            people.append(("petitioner", "匿名来信人", "", "", ""))
        elif town.petitioners and d.random() < 0.06:
            people.append(d.pick(town.petitioners))
        else:
            person = ("petitioner", person_name(d), id_number(d), phone(d),
                      f"{village.name}{d.int(1, 12)}组{d.int(1, 80)}号")
            people.append(person)
            town.petitioners.append(person)
            if len(town.petitioners) > 200:
                del town.petitioners[:100]
        if d.random() < 0.45:
            role = "respondent" if dispute or d.random() < 0.5 else ("representative" if heads >= 5 else "petitioner")
            people.append((role, person_name(d), id_number(d) if d.random() < 0.6 else "", phone(d), ""))
        rows = self.rows[Party]
        for role, name, idn, tel, address in people:
            rows.append((self._id(Party), case_id, role, name, encrypt(idn), encrypt(tel), address, village.id,
                         self.w.hash(idn), self.w.hash(tel)))
        return [p[1] for p in people]

    def _path(self, kind, age):
        """Steps after registration and the status reached: open (the younger, the likelier) or finished."""
        d = self.dice
        p_open = 0.95 if age < 7 else 0.8 if age < 30 else 0.5 if age < 90 else 0.15 if age < 180 else 0.004
        is_open = d.random() < p_open
        if kind == Case.Kind.PETITION:
            if not is_open:
                end = d.weighted(*PETITION_DONE)
            elif age < 15:
                end = d.weighted(*PETITION_NEW)
            elif age < 180:
                end = d.weighted(*PETITION_RUNNING)
            else:  # the backlog (存量): long-running matters
                end = d.weighted(*PETITION_BACKLOG)
            return PETITION_PATHS[end](d), Status(end)
        if not is_open:
            end = d.weighted(*DISPUTE_DONE)
        else:
            end = d.weighted(*(DISPUTE_NEW if age < 15 else DISPUTE_RUNNING))
        return DISPUTE_PATHS[end](d), Status(end.split("/")[0])

    def _times(self, received, n):
        """Times of the `n` steps after registration, days apart, squeezed into the past if need be."""
        d = self.dice
        offsets, total = [], 0
        for _i in range(n):
            total += int(43200 + d.random() * 19 * 86400)
            offsets.append(total)
        room = int((self.now - received).total_seconds()) - 3600
        if offsets and offsets[-1] > room:
            offsets = [int(o * max(room, 60) / offsets[-1] * 0.95) for o in offsets]
        return [received + dt.timedelta(seconds=o) for o in offsets]

    def _deadlines(self, case_id, kind, status, identity_unknown, received_on, accepted_on, served_on, times):
        """Deadline rows of an open case, as the clock engine would hold them; returns (next_due_on, warned)."""
        if status in CLOSED:
            return None, False
        last_on = (times[-1] + self.offset).date() if times else received_on
        accepted_on = accepted_on or received_on
        met, running = [], []  # (rule code, started_on, finished_on), (rule code, started_on)
        if status == Status.REGISTERED:
            running.append(("acceptance", received_on))
        else:
            met.append(("acceptance", received_on, accepted_on))
        if kind == Case.Kind.PETITION:
            if status in (Status.ACCEPTED, Status.IN_HANDLING):
                running.append(("handling", accepted_on))
            elif status != Status.REGISTERED:
                met.append(("handling", accepted_on, served_on or last_on))
                running.append({
                    Status.REPLIED: ("review_window", served_on or last_on),
                    Status.REVIEW_REQUESTED: ("review_decision", last_on),
                    Status.REREVIEW_REQUESTED: ("rereview_decision", last_on),
                }[status])
        elif status in (Status.ACCEPTED, Status.MEDIATING):
            running.append(("mediation", accepted_on))
        elif status != Status.REGISTERED:
            met.append(("mediation", accepted_on, last_on))
        for code, started, finished in met:
            if code in self.rules:
                self.rows[Deadline].append(self._deadline(case_id, code, "met", started, min(finished, self.today))[0])
        next_due, warned = None, False
        for code, started in running:
            rule = self.rules.get(code)
            if rule is None:
                continue
            if code == "acceptance" and identity_unknown:
                # 信访人的姓名（名称）、住址不清的除外 (deadlines.apply_event).
                self.rows[Deadline].append((
                    self._id(Deadline), case_id, rule.id, "exempt", started.isoformat(), rule.length, rule.unit, None,
                    "信访人姓名（名称）或住址不清，不适用书面告知期限", "", "[]", None, None,
                ))
                continue
            row, due = self._deadline(case_id, code, "running", started)
            self.rows[Deadline].append(row)
            warned = warned or bool(due.warning)
            if rule.is_obligation and (next_due is None or due.due < next_due):
                next_due = due.due
        return next_due, warned

    def _deadline(self, case_id, code, state, started, finished=None):
        rule = self.rules[code]
        due = compute_due(started, rule.length, rule.unit, calendar=self.calendar)
        row = (self._id(Deadline), case_id, rule.id, state, started.isoformat(), rule.length, rule.unit,
               due.due.isoformat(), due.explanation, due.warning, "[]", None,
               finished.isoformat() if finished else None)
        return row, due


def _table(weighted):
    """(values, cumulative weights) from {value: weight}, for Dice.weighted."""
    return list(weighted), _cumulative(weighted.values())


CHANNELS, CHANNEL_CUM = _table({"visit": 55, "call": 20, "letter": 8, "online": 12, "assigned": 5})
LEGAL_CLASSES, LEGAL_CLASS_CUM = _table({LegalClass.CLAIM: 80, LegalClass.SUGGESTION: 12, LegalClass.ACCUSATION: 8})
OUTCOMES = ["support", "explain", "reject"]
PETITION_DONE = _table({"closed": 86, "not_accepted": 5, "forwarded": 8, "final": 1})
PETITION_NEW = _table({"registered": 50, "accepted": 35, "in_handling": 15})
PETITION_RUNNING = _table({"accepted": 8, "in_handling": 70, "replied": 17, "review_requested": 5})
PETITION_BACKLOG = _table({"registered": 10, "in_handling": 60, "review_requested": 20, "rereview_requested": 10})
DISPUTE_DONE = _table({"closed/agreed": 80, "closed/referred": 16, "not_accepted": 4})
DISPUTE_NEW = _table({"registered": 30, "accepted": 20, "mediating": 50})
DISPUTE_RUNNING = _table({"mediating": 80, "mediation_failed": 10, "agreed": 10})

ACTION_SUMMARY = {
    "accept": "受理",
    "not_accept": "不予受理，告知其他合法途径",
    "forward": "转送有权处理机关",
    "assign": "交办",
    "note": "走访核实情况",
    "reply": "出具处理意见书并送达",
    "close": "办结",
    "request_review": "登记复查申请",
    "decide_review": "复查机关出具复查意见",
    "request_rereview": "登记复核申请",
    "decide_rereview": "复核意见已出具，终结",
    "mediation_session": "组织调解",
    "agree": "达成调解协议",
    "mediation_failed": "调解不成",
    "refer": "引导通过诉讼途径解决",
}
S = Status
ACCEPT = [("accept", S.ACCEPTED)]
HANDLING = ACCEPT + [("assign", S.IN_HANDLING)]
REPLIED = HANDLING + [("reply", S.REPLIED)]
REVIEW = REPLIED + [("request_review", S.REVIEW_REQUESTED)]
REREVIEW = REVIEW + [("decide_review", S.REVIEW_DECIDED), ("request_rereview", S.REREVIEW_REQUESTED)]
MEDIATING = ACCEPT + [("assign", S.MEDIATING)]


def _note(d, step=("note", None), p=0.35):
    return [step] if d.random() < p else []


PETITION_PATHS = {
    "registered": lambda d: _note(d),
    "accepted": lambda d: ACCEPT,
    "in_handling": lambda d: HANDLING + _note(d),
    "replied": lambda d: REPLIED,
    "review_requested": lambda d: REVIEW,
    "rereview_requested": lambda d: REREVIEW,
    "closed": lambda d: HANDLING + _note(d) + [("reply", S.REPLIED), ("close", S.CLOSED)],
    "not_accepted": lambda d: [("not_accept", S.NOT_ACCEPTED)],
    "forwarded": lambda d: [("forward", S.FORWARDED)],
    "final": lambda d: REREVIEW + [("decide_rereview", S.FINAL)],
}
DISPUTE_PATHS = {
    "registered": lambda d: _note(d),
    "accepted": lambda d: ACCEPT,
    "mediating": lambda d: MEDIATING + _note(d, ("mediation_session", None), 0.5),
    "agreed": lambda d: MEDIATING + [("agree", S.AGREED)],
    "mediation_failed": lambda d: MEDIATING + [("mediation_failed", S.MEDIATION_FAILED)],
    "closed/agreed": lambda d: MEDIATING + _note(d, ("mediation_session", None), 0.5)
    + [("agree", S.AGREED), ("close", S.CLOSED)],
    "closed/referred": lambda d: MEDIATING + [("mediation_failed", S.MEDIATION_FAILED), ("refer", S.REFERRED),
                                              ("close", S.CLOSED)],
    "not_accepted": lambda d: [("not_accept", S.NOT_ACCEPTED)],
}


def load(cases, townships=20, villages=20, seed=1, progress=None):
    """Fill the database with a synthetic county and `cases` cases over ten years; return the row counts."""
    if is_loaded():
        raise RuntimeError(f"synthetic county {COUNTY_CODE} is already in this database; load into a fresh one")
    dice = Dice(seed)
    writer = _Writer()
    _tune_for_load()
    with transaction.atomic():
        towns = build_county(townships, villages, dice)
    factory = CaseFactory(towns, dice, writer)
    for model, fields in ((Case, CASE_FIELDS), (Party, PARTY_FIELDS), (Contact, CONTACT_FIELDS),
                          (Event, EVENT_FIELDS), (Deadline, DEADLINE_FIELDS)):
        writer.prepare(model, fields)
    counts = dict.fromkeys(["cases", "parties", "contacts", "events", "deadlines"], 0)
    first_day = factory.today.replace(year=factory.today.year - YEARS)
    days = (factory.today - first_day).days + 1
    start = dt.datetime.combine(first_day, dt.time(8)) - factory.offset  # 08:00 local, as naive UTC
    latest = factory.now - dt.timedelta(minutes=1)
    started = time.monotonic()
    # Outside a transaction a second thread writes batch k while this one makes batch k+1: SQLite and
    # PostgreSQL do their part without the GIL, so the two cores of a small server both work.
    out = _BatchWriter(writer, threaded=not connection.in_atomic_block)
    try:
        for batch_start in range(0, cases, BATCH):
            n = min(BATCH, cases - batch_start)
            # Evenly over the ten years, in office hours, and in time order, so that numbers rise with time as
            # the desk issues them.
            received = sorted(
                _not_after(latest, start + dt.timedelta(days=int((i + dice.random()) * days / cases),
                                                        seconds=dice.int(0, 9 * 3600)), dice)
                for i in range(batch_start, batch_start + n)
            )
            factory.reset()
            for at in received:
                factory.make(at)
            out.put(factory.rows)
            for key, model in (("cases", Case), ("parties", Party), ("contacts", Contact), ("events", Event),
                               ("deadlines", Deadline)):
                counts[key] += len(factory.rows[model])
            if progress:
                progress(batch_start + n, time.monotonic() - started)
    finally:
        out.close()
    with transaction.atomic():
        CaseSequence.objects.bulk_create(
            CaseSequence(centre=t.unit, year=year, last=last) for t in towns for year, last in t.sequence.items()
        )
    _finish_load()
    return counts


def _not_after(latest, at, dice):
    """`at`, or for today's cases past the present hour a time earlier today."""
    return at if at <= latest else latest - dt.timedelta(seconds=dice.int(0, 4 * 3600))


class _BatchWriter:
    """Writes batches of rows, each in its own transaction, on a thread of its own or on the caller's."""

    def __init__(self, writer, threaded):
        self.writer, self.error = writer, None
        self.queue = queue.Queue(maxsize=2) if threaded else None
        if threaded:
            self.thread = threading.Thread(target=self._run, name="load_synthetic writer")
            self.thread.start()

    def put(self, rows):
        if self.queue is None:
            self._write(rows)
            return
        if self.error:
            raise self.error
        self.queue.put(rows)

    def close(self):
        if self.queue is not None:
            self.queue.put(None)
            self.thread.join()
            if self.error:
                raise self.error

    def _run(self):
        try:
            _tune_for_load()
            for rows in iter(self.queue.get, None):
                self._write(rows)
        except BaseException as error:  # noqa: BLE001 (handed to the loading thread, which stops at its next batch)
            self.error = error
            while self.queue.get() is not None:
                pass
        finally:
            connection.close()

    def _write(self, rows):
        with transaction.atomic():
            for model in (Case, Party, Contact, Event, Deadline):
                self.writer.write(model, rows[model])
            self.writer.write_search(rows["search"])


def _tune_for_load():
    """Bulk-load settings for this connection only: the data can be loaded again, so a crash costs nothing."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB: index pages stay in memory while rows go in
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA synchronous = OFF")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '512MB'")


def _finish_load():
    """Move id sequences past the written ids, compact the search index, refresh planner statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            models = [Unit, User, Case, Party, Contact, Event, Deadline, CaseSequence]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("SET synchronous_commit = on")
            # VACUUM also sets the visibility map that index-only scans (counts) need; not inside a transaction.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        else:
            cursor.execute("INSERT INTO cases_fts(cases_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA synchronous = FULL")
