"""The demo county's organisation: 青山县 with the centre 青山镇 and a small second township, their units,
the demo logins (one per role), the staff the year needs, the routing rules, and `Town`, who does what in one
township as the planner (year.py) needs it.
"""

import random

from django.contrib.auth.hashers import make_password

from jiefen.cases.models import Category, ReceivingOrgan
from jiefen.org.models import Role, Unit, User
from jiefen.routing.models import RoutingRule

from . import DemoError
from .duty import roster_by_day
from .people import person_name

DEMO_PASSWORD = "jiefen2026"
DEFAULT_SEED = 2026
COUNTY_CODE, CENTRE_CODE, OTHER_CODE = "339900", "339901", "339902"  # 3399xx: no real county uses it
COUNTY_OFFICE_CODE = "339900X01"
# DESIGN.md §1: the township of the article received 86 visits (156 person-times) in a year and resolved 84.
VISIT_CASES, VISIT_PERSON_TIMES = 86, 156


# ---------------------------------------------------------------------------------------------- unit tree

TOWNS = [
    (CENTRE_CODE, "青山镇", [
        "城东社区", "城西社区", "青山社区", "东岭村", "石桥村", "柳溪村", "枫林村", "上塘村", "下塘村", "桃源村",
        "竹园村", "马家村", "黄泥岗村", "新塘村", "白鹭村", "梅坞村", "龙潭村", "杨家桥村", "西山村", "长岭村",
    ], [
        "党政办", "综治办", "派出所", "司法所", "自然资源所", "劳动保障所", "农业农村办", "城建办", "民政办",
        "生态环境办", "社会事务办", "纪检监察室",
    ]),
    (OTHER_CODE, "白水镇", ["白水社区", "白水村", "南坪村", "溪口村", "石门村"],
     ["综治办", "派出所", "司法所", "自然资源所", "劳动保障所", "城建办", "民政办"]),
]


def _unit(code, name, kind, parent, sort):
    defaults = {"name": name, "kind": kind, "parent": parent, "sort": sort}
    unit, _created = Unit.objects.get_or_create(code=code, defaults=defaults)
    return unit


# The organs the demo county's matters are diverted to (导入): its court, its labour arbitration commission, the
# government that hears administrative review. Get-or-create by name.
RECEIVING_ORGANS = [
    ("青山县人民法院", "litigation"),
    ("青山县劳动人事争议仲裁委员会", "arbitration"),
    ("青山县人民政府（行政复议）", "admin_review"),
    ("青山县农村土地承包仲裁委员会", "arbitration"),
]


def build_receiving_organs():
    county = Unit.objects.get(code=COUNTY_CODE)
    for sort, (name, route) in enumerate(RECEIVING_ORGANS):
        ReceivingOrgan.objects.get_or_create(name=name, defaults={"route": route, "area": county, "sort": sort})


def build_units():
    """The county, its two townships, their villages (each with 2–3 grids) and departments; get-or-create."""
    county = _unit(COUNTY_CODE, "青山县", Unit.Kind.COUNTY, None, 0)
    # The county's 信访局: it hands items down and reviews reports in its own name, and acts for the county's
    # government in 信访: its staff decide the government's 复查 (Unit.acts_for, jiefen.org.organs.sits_in).
    office = _unit(COUNTY_OFFICE_CODE, "县信访局", Unit.Kind.DEPARTMENT, county, 900)
    if not (office.organ_name and office.acts_for_id):
        office.organ_name, office.doc_code, office.acts_for = "青山县信访局", "青信", county
        office.save(update_fields=["organ_name", "doc_code", "acts_for"])
    for t, (code, name, villages, departments) in enumerate(TOWNS):
        town = _unit(code, name, Unit.Kind.TOWNSHIP, county, t)
        for i, village_name in enumerate(villages, 1):
            village = _unit(f"{code}{i:03d}", village_name, Unit.Kind.VILLAGE, town, i)
            grids = 3 if village_name.endswith("社区") or i % 3 == 0 else 2
            for g in range(grids):
                _unit(f"{village.code}{g + 1:02d}", f"{village_name}第{'一二三'[g]}网格", Unit.Kind.GRID, village, g)
        for i, department in enumerate(departments, 1):
            _unit(f"{code}D{i:02d}", department, Unit.Kind.DEPARTMENT, town, 100 + i)
    return county


# -------------------------------------------------------------------------------------------------- staff

# username, full name, role, unit, unit head, what the account shows in the demo
ACCOUNTS = [
    ("clerk", "王丽萍", Role.CLERK, "青山镇", False, "接待员：登记来访、来信、来电、网上事项"),
    ("leader", "陈建国", Role.LEADER, "青山镇", False, "值班领导（镇党委副书记）：接访、受理、交办"),
    ("leader2", "刘志强", Role.LEADER, "青山镇", False, "包案领导（副镇长）：包案化解疑难信访事项"),
    ("handler", "李德明", Role.HANDLER, "东岭村", True, "承办人：东岭村党支部书记，单位负责人"),
    ("dept", "周敏", Role.HANDLER, "劳动保障所", False, "承办人：镇劳动保障所"),
    ("mediator", "赵桂兰", Role.MEDIATOR, "东岭村第一网格", False, "网格员/调解员"),
    ("director", "孙海燕", Role.DIRECTOR, "青山镇", False, "中心主任/管理员，可进入 /admin/"),
    ("supervisor", "吴国华", Role.SUPERVISOR, "青山县", False, "县级督办：只读，查看两个乡镇"),
    ("county", "冯立群", Role.CLERK, "县信访局", False, "县信访局：交办、转送到乡镇，审核报结，办理复查"),
]
# Other staff the year needs (the rest of the leadership on the reception roster, unit heads who reply,
# people's mediators who mediate). They have no password: the director can set one in the admin.
BACKGROUND_LEADERS = {
    CENTRE_CODE: [("qs-ld1", "黄卫东", Role.LEADER), ("qs-ld2", "郑晓红", Role.LEADER)],
    OTHER_CODE: [("bs-clerk", "方小燕", Role.CLERK), ("bs-ld1", "钱立新", Role.LEADER)],
}


def _demo_units(code=COUNTY_CODE):
    """The unit with `code` and everything under it."""
    return Unit.objects.get(code=code).subtree()


def _staff(username, full_name, role, unit, *, is_unit_head=False, password=None, reset=False):
    """Get or create a demo account; `password` is an encoded hash, none for staff who do not log in."""
    user = User.objects.filter(username=username).select_related("unit").first()
    if user is not None and not (user.unit_id and _demo_units().filter(pk=user.unit_id).exists()):
        raise DemoError(f"用户名 {username} 已被非演示账号使用，未生成演示数据")
    if user is None:
        user = User(username=username, full_name=full_name, role=role, unit=unit, is_unit_head=is_unit_head)
        user.password = password or make_password(None)
        user.save()
    elif reset and password:
        user.password, user.is_active = password, True
        user.save(update_fields=["password", "is_active"])
    return user


def build_staff(reset=False):
    """The demo accounts (with the demo password) and the background staff; get-or-create by username."""
    units = {u.name: u for u in _demo_units(CENTRE_CODE)}
    units["青山县"] = Unit.objects.get(code=COUNTY_CODE)
    units["县信访局"] = Unit.objects.get(code=COUNTY_OFFICE_CODE)
    # One hash for all: the password is the same and printed anyway, and each hash costs half a second.
    password = make_password(DEMO_PASSWORD)
    for username, full_name, role, unit_name, head, _note in ACCOUNTS:
        user = _staff(username, full_name, role, units[unit_name], is_unit_head=head, password=password, reset=reset)
        if role == Role.DIRECTOR and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
    names = random.Random("demo-staff")  # fixed, so staff names do not change with --seed
    for code, leaders in BACKGROUND_LEADERS.items():
        town = Unit.objects.get(code=code)
        for username, full_name, role in leaders:
            _staff(username, full_name, role, town)
    for unit in _demo_units().filter(kind__in=[Unit.Kind.VILLAGE, Unit.Kind.DEPARTMENT]).order_by("code"):
        if not User.objects.filter(unit=unit, is_unit_head=True).exists():
            _staff(f"{unit.code}-head", person_name(names, names.random() < 0.8), Role.HANDLER, unit, is_unit_head=True)
        if unit.kind == Unit.Kind.VILLAGE or unit.name == "司法所":
            _staff(f"{unit.code}-tj", person_name(names, names.random() < 0.5), Role.MEDIATOR, unit)


def accounts():
    """The demo logins as (username, full name, role label, unit, note), for printing."""
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).select_related("unit")}
    return [
        (name, users[name].full_name, users[name].get_role_display(), users[name].unit.name, note)
        for name, *_rest, note in ACCOUNTS if name in users
    ]


class Town:
    """One township's units and who does what there, as the planner needs them."""

    def __init__(self, code):
        self.unit = Unit.objects.get(code=code)
        units = list(_demo_units(code).exclude(pk=self.unit.pk).select_related("parent"))
        self.villages = sorted((u for u in units if u.kind == Unit.Kind.VILLAGE), key=lambda u: u.sort)
        self.departments = {u.name: u for u in units if u.kind == Unit.Kind.DEPARTMENT}
        staff = list(User.objects.filter(unit__path__startswith=self.unit.path).select_related("unit"))
        by_name = {u.username: u for u in staff}
        self.heads = {u.unit_id: u for u in staff if u.is_unit_head}
        self.mediators = {u.unit_id: u for u in staff if u.role == Role.MEDIATOR and u.unit.kind != Unit.Kind.GRID}
        self.grid_workers = {u.unit.parent_id: u for u in staff if u.unit.kind == Unit.Kind.GRID}
        self.on_duty = roster_by_day(self.unit)
        # The county's 信访局 decides the 复查 of both townships' answers (for the county's 人民政府).
        self.county = User.objects.get(username="county")
        if code == CENTRE_CODE:
            self.clerk = by_name["clerk"]
            self.leader, self.owner, self.director = by_name["leader"], by_name["leader2"], by_name["director"]
            # 领导公开接访: one leadership member receives visitors each working day.
            self.roster = [by_name["qs-ld1"], self.leader, self.owner, by_name["qs-ld2"], self.leader]
            self.workers = {by_name["dept"].unit_id: by_name["dept"]}
        else:
            self.clerk = by_name["bs-clerk"]
            self.leader = self.owner = self.director = by_name["bs-ld1"]
            self.roster = [self.leader]
            self.workers = {}

    def duty_leader(self, day):
        return self.on_duty.get(day) or self.roster[day.weekday() % len(self.roster)]

    def department(self, name):
        return self.departments.get(name) or self.departments["综治办"]

    def worker(self, unit):
        """Who drafts and serves the reply for a case assigned to `unit`."""
        return self.workers.get(unit.pk) or self.heads[unit.pk]

    def mediator(self, unit):
        return self.mediators.get(unit.pk) or self.worker(unit)


# 谁主管、谁负责: the department that owns each field; everything else goes to its village (属地管理).
ROUTING = [
    ("劳动工资", "劳动保障所"), ("社会保障", "民政办"), ("土地征收", "自然资源所"), ("宅基地", "自然资源所"),
    ("环境保护", "生态环境办"), ("房屋拆迁", "城建办"), ("城乡建设", "城建办"), ("农村土地承包", "农业农村办"),
    ("民生服务", "社会事务办"), ("干部作风", "纪检监察室"), ("涉法涉诉", "司法所"),
]


def build_routing_rules():
    for code in (CENTRE_CODE, OTHER_CODE):
        centre = Unit.objects.get(code=code)
        if RoutingRule.objects.filter(centre=centre).exists():
            continue
        RoutingRule.objects.create(centre=centre, basis=RoutingRule.Basis.TERRITORIAL, priority=900,
                                   note="未列明的事项由所在村（社区）属地办理")
        # 检举控告 of a unit's staff: the township's 纪检监察室 (信访工作条例 第三十条第一款), unless it is the accused.
        discipline = Unit.objects.filter(path__startswith=centre.path, name="纪检监察室").first()
        if discipline:
            RoutingRule.objects.create(centre=centre, legal_class="accusation", unit=discipline, priority=10,
                                       basis=RoutingRule.Basis.DISCIPLINE, note="检举控告由纪检监察室办理")
        for category, department in ROUTING:
            unit = Unit.objects.filter(path__startswith=centre.path, name=department).first()
            category = Category.objects.filter(name=category).first()
            if unit and category:
                RoutingRule.objects.create(centre=centre, category=category, unit=unit,
                                           basis=RoutingRule.Basis.DEPARTMENTAL, note=f"{department}主管")
