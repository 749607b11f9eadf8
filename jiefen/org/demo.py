"""Demo data for one township centre, shaped like DESIGN.md §1 and built through the real action functions.

`seed()` makes the county 青山县 with the centre 青山镇 (20 villages and communities with their grids, 12
departments) and a small second township, one login per role, and a year of cases. Every step of every case
goes through its action function, dated back with `at=`, so timelines, statutory clocks and audit rows are
what the desk would have written had the year been entered as it happened. The same seed on the same day
gives the same data (query codes excepted: they are secret by design).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as NumberError

from jiefen.audit.records import record
from jiefen.cases.actions import ActionError, do_record_contact, do_register_case
from jiefen.cases.actions.workflow import ACTION_FUNCTIONS
from jiefen.cases.models import Case, Category, Channel, LegalClass, Party, Status
from jiefen.clocks.calendar import WorkCalendar, compute_due
from jiefen.duty.demo import roster_by_day, seed_roster
from jiefen.grid import demo as grid_demo
from jiefen.leadership import demo as leadership_demo

from .models import Role, Unit, User

DEMO_PASSWORD = "jiefen2026"
DEFAULT_SEED = 2026
COUNTY_CODE, CENTRE_CODE, OTHER_CODE = "339900", "339901", "339902"  # 3399xx: no real county uses it
# DESIGN.md §1: the township of the article received 86 visits (156 person-times) in a year and resolved 84.
VISIT_CASES, VISIT_PERSON_TIMES = 86, 156


class DemoError(Exception):
    pass


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
    defaults = dict(name=name, kind=kind, parent=parent, sort=sort)
    unit, _created = Unit.objects.get_or_create(code=code, defaults=defaults)
    return unit


def build_units():
    """The county, its two townships, their villages (each with 2–3 grids) and departments; get-or-create."""
    county = _unit(COUNTY_CODE, "青山县", Unit.Kind.COUNTY, None, 0)
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
            _staff(f"{unit.code}-head", _name(names, names.random() < 0.8), Role.HANDLER, unit, is_unit_head=True)
        if unit.kind == Unit.Kind.VILLAGE or unit.name == "司法所":
            _staff(f"{unit.code}-tj", _name(names, names.random() < 0.5), Role.MEDIATOR, unit)


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


# ------------------------------------------------------------------------------------------------- people

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蒋余叶程魏苏吕丁沈姚卢钟方严"
MALE = ["建国", "国强", "志明", "德福", "长林", "海军", "伟", "勇", "军", "春生", "永福", "红兵", "金水", "水根", "建华",
        "立新", "文斌", "国平", "福生", "根宝", "雪峰", "树林", "有才", "土根", "小龙", "家明"]
FEMALE = ["秀英", "桂英", "丽华", "玉兰", "春花", "美玲", "小红", "翠萍", "金凤", "红梅", "雪梅", "素珍", "爱华", "秀兰",
          "彩霞", "燕", "静", "婷", "芳", "月娥"]
CLANS = {"马家村": "马", "杨家桥村": "杨", "东岭村": "李", "黄泥岗村": "黄"}
# Region codes valid for every birth year in stdnum's table: 桐庐县 and 淳安县, between which the fictional 青山县
# lies; migrant workers from 金堂, 黄平, 长沙县, 长丰, 南昌县, 凤台.
LOCAL_REGIONS = ["330122", "330122", "330122", "330127"]
MIGRANT_REGIONS = ["510121", "522622", "430121", "340121", "360121", "340421"]
PHONE_PREFIXES = ("130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 "
                  "180 181 182 183 186 187 188 189").split()
ESTATES = ["青山花园", "锦绣苑", "东湖小区", "文昌苑", "桂花园"]


def _name(rng, male, surname=None):
    return (surname or rng.choice(SURNAMES)) + rng.choice(MALE if male else FEMALE)


def id_number(rng, birth, male, regions):
    """A GB 11643 ID number: region, birth date, sequence (odd for men), check digit; valid per stdnum."""
    for _attempt in range(20):
        sequence = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{rng.choice(regions)}{birth:%Y%m%d}{sequence:03d}"
        try:
            return ric.validate(body + ric.calc_check_digit(body + "0"))
        except NumberError:
            continue
    raise DemoError(f"no valid ID number for {birth}")


# -------------------------------------------------------------------------------------------------- matters


@dataclass(frozen=True)
class Matter:
    """What a case is about, with the texts its steps need; {placeholders} are filled per case."""

    category: str
    unit: str  # department that handles it, or "village" for the village (community) itself
    request: str
    facts: str
    support: str  # reply when the request is supported; for a dispute, the terms agreed
    explain: str = ""
    reject: str = ""
    legal_class: str = LegalClass.CLAIM
    place: str = "any"  # "village", "community" or "any"
    respondent: str = ""  # "person", "kin", "company" or ""
    company: str = "factory"
    amount: tuple = (3000, 20000)
    age: tuple = (26, 72)
    female: bool = False  # the petitioner is a woman (a widow, a mother)
    monthly: bool = False  # {amount} is {months} months of a worker's wage
    migrant: float = 0.0
    weight: int = 2
    fail: str = ""  # dispute: why mediation failed, the referral route and the guidance given
    route: str = ""
    guidance: str = ""

    @property
    def dispute(self):
        return self.legal_class == LegalClass.DISPUTE


COMPANIES = {
    "build": ["青山宏达建筑劳务有限公司", "锦程装饰工程有限公司", "永安建设工程有限公司"],
    "factory": ["华盛竹木制品厂", "恒丰五金制品厂", "青山县鑫磊石材有限公司", "绿源茶叶加工厂", "金桥电子有限公司"],
    "farm": ["青溪苗木专业合作社", "绿野家庭农场", "百果园果蔬专业合作社"],
    "estate": ["青山县金岭房地产开发有限公司", "桐江置业有限公司"],
}
PROJECTS = ["杭淳高速青山连接线", "青山工业园区二期", "城东安置小区", "S213省道改建工程", "青山中学扩建工程"]
REVIEW_NOTICE = "如对本处理意见不服，可自收到本意见书之日起30日内向青山县人民政府请求复查。"

M = Matter
WAGE_GROUP = M(
    "劳动工资", "劳动保障所", "要求{company}支付拖欠的务工工资共计{amount}元",
    "{year}年{month}月起在{company}承接的{project}工地务工，工程完工后公司以总包方工程款未结清为由拖欠工资，"
    "多次讨要无果，临近年关急需用钱。",
    "经镇劳动保障所约谈{company}负责人，并督促总包单位通过农民工工资专用账户代发，拖欠的工资{amount}元已全部支付到位。",
    "经核实，{company}与总包单位存在工程款结算争议，镇劳动保障所已督促其制定分期支付计划并报县人社局备案，"
    "同时告知可向县劳动保障监察大队投诉或申请劳动仲裁。",
    company="build", respondent="company", amount=(68000, 186000), migrant=0.7, weight=0,
)
LAND_GROUP = M(
    "土地征收", "自然资源所", "要求提高{project}项目征地补偿标准，尽快发放青苗及地上附着物补偿款",
    "{village}{group}组约{area}亩承包地被{project}项目征收，村民认为补偿标准低于相邻乡镇，青苗和附着物补偿款至今未发放到户。",
    "经核实，青苗及附着物补偿款已拨付至镇财政所，因补偿清册核对延误未及时发放，现已全部发放到户；"
    "征地补偿标准按省定区片综合地价执行，已逐户解释。",
    "征地补偿按省政府公布的区片综合地价执行，本项目与相邻乡镇属同一区片、标准一致；补偿清册已在村务公开栏公示。",
    place="village", weight=0,
)
PIG_FARM = M(
    "环境保护", "生态环境办", "反映{village}一养猪场污水直排河道，要求整治",
    "养猪场粪污未经处理直接排入村前小河，河水发黑发臭，下游村民无法洗衣、灌溉。",
    "经生态环境办会同农业农村办现场核查，已责令养殖户停止排放、建设粪污处理设施，现已整改到位，河道已清淤。",
    place="village", weight=0,
)
FISHPOND = M(
    "农村土地承包", "village", "反映村委会未经公开招标将村集体鱼塘续包给他人，要求重新公开发包",
    "村集体{area}亩鱼塘原承包合同今年到期，村委会未召开村民代表会议，也未公开招标，直接与原承包户续签了十年合同。",
    "经核查，续包程序不符合村集体资产管理规定，已督促村委会终止续包合同，通过镇农村产权交易平台公开招标重新发包。",
    "经核查，续包事项已经村民代表会议表决通过并张榜公示，程序合法有效；已向你出示会议记录和公示材料。",
    place="village", weight=1,
)
DIBAO = M(
    "社会保障", "民政办", "申请将其家庭纳入农村最低生活保障",
    "丈夫前年因病去世，本人患慢性肾病需长期服药，儿子在县城读高中，家中仅有{area}亩承包地，无其他稳定收入。",
    "经入户调查和村民代表评议，你家庭符合低保条件，已报县民政局审批，自下月起按月发放低保金。",
    "经入户核查，你家庭人均收入略高于本县低保标准，暂不符合纳入条件；已为你申请临时救助，家庭情况变化后可重新申请。",
    "经入户核查，你家庭在县城购有商品房一套，依照本省最低生活保障审核确认办法不符合纳入条件，不予支持。",
    age=(45, 62), female=True, weight=2,
)
HOMESTEAD = M(
    "宅基地", "自然资源所", "申请审批农村宅基地建房，要求告知审批进度",
    "家中四口人住在父辈留下的老房，房屋年久失修，{year}年{month}月提交了宅基地建房申请，至今没有答复。",
    "经核查，你的申请材料齐全，符合一户一宅条件，镇自然资源所已完成现场踏勘，审批手续已办结，已发放乡村建设规划许可证。",
    "经核查，申请地块位于永久基本农田范围内，不能审批建房；已告知可在村庄规划确定的建房区内重新选址申请。",
    "经核查，你家庭已有一处宅基地且面积符合标准，不符合一户一宅规定，依法不予批准。",
    place="village", weight=3,
)
DEMOLITION = M(
    "房屋拆迁", "城建办", "要求对其在{project}中被拆除的房屋重新测量面积，按实际面积补偿",
    "其房屋为两层半砖混结构，评估报告认定的面积比实际少约{sqm}平方米，附属用房未计入。",
    "经镇城建办会同评估公司重新测量，已将漏计的附属用房{sqm}平方米纳入补偿，并签订补充协议。",
    "经复核测量，评估面积与不动产登记面积一致，附属用房系未经审批的临时搭建，依法按材料费给予适当补助。",
    weight=1,
)
LAND_PUBLISH = M(
    "土地征收", "village", "要求村委会公开{project}征地补偿款的分配方案和使用情况",
    "村里收到征地补偿款已有半年，村集体留存部分的用途村民不清楚，多次要求公开未果。",
    "已督促村委会召开村民代表大会，将补偿款分配方案和集体留存部分的使用计划张榜公示。",
    "补偿款已按村民代表大会通过的分配方案发放到户，集体留存部分存入镇农村集体“三资”代理账户，尚未使用。",
    place="village", weight=1,
)
PENSION = M(
    "社会保障", "劳动保障所", "反映其城乡居民基本养老保险待遇自{month}月起停发，要求恢复发放",
    "本人今年{age}岁，一直按时领取养老金，{month}月起未到账，到银行查询被告知待遇已暂停。",
    "经查系年度待遇资格认证未完成导致暂停，劳动保障所已上门为你完成认证，停发期间的养老金已补发到位。",
    age=(62, 80), weight=2,
)
CONTRACT_AREA = M(
    "农村土地承包", "农业农村办", "反映其家庭承包地确权登记面积少了{area}亩，要求更正",
    "第二轮承包时其家庭承包{n}亩，确权颁证后发现证载面积比原承包合同少{area}亩，相邻农户的面积却增加了。",
    "经农业农村办会同村委会现场复测，确属测绘错误，已更正确权数据并换发土地承包经营权证。",
    "经现场复测，证载面积与实测面积一致，原承包合同面积为估算面积，已向你解释说明。",
    place="village", weight=2,
)
WAGE = M(
    "劳动工资", "劳动保障所", "反映{company}拖欠其{months}个月工资共{amount}元，要求尽快支付",
    "本人在{company}做操作工，自{year}年{month}月起工资未按月发放，厂方称订单减少、资金周转困难，至今未给出支付时间。",
    "经劳动保障所调查核实，{company}确有拖欠，已责令其限期支付，拖欠工资{amount}元已发放到位。",
    "经核实，{company}已与职工协商确定分三个月付清欠薪，劳动保障所将跟踪督促；到期仍未支付的，可向县劳动保障监察大队投诉。",
    respondent="company", monthly=True, migrant=0.4, weight=6,
)
NOISE = M("环境保护", "生态环境办", "反映{company}夜间生产噪音扰民，要求限制生产时间",
    "{company}距居民区不足五十米，近期每晚加班到凌晨，机器轰鸣声和货车进出噪音严重影响周边居民休息。",
    "经生态环境办夜间现场监测，厂界噪声超标，已责令企业加装隔音设施，晚上十点后停止生产。",
    "经夜间监测，厂界噪声符合标准限值；已要求企业合理安排货车进出时间，减少对居民的影响。",
    respondent="company", weight=3)
ROAD = M("城乡建设", "village", "要求修复村里主干道破损路面",
    "村道长期被重载车辆碾压，多处出现坑洼和断板，雨天积水，学生上学和村民出行存在安全隐患。",
    "已将该路段纳入今年农村公路养护计划，镇城建办已组织施工队完成破损路面修复。",
    "该路段已列入明年农村公路提升改造计划，近期先对坑洼处铺设碎石应急修补，并设置警示标志。",
    place="village", weight=2)
ELEVATOR = M("城乡建设", "城建办", "反映小区电梯长期故障、物业公司不作为",
    "所住{village}{estate}3幢电梯多次困人，报修后物业一直以维修资金不足推脱，楼内老人上下楼困难。",
    "经城建办约谈物业公司，已启用住宅专项维修资金更换电梯主机，电梯已恢复运行并通过特种设备检验。",
    place="community", weight=2)
BUS_STOP = M("民生服务", "社会事务办", "建议在村口增设公交停靠站点",
    "村民到镇上和县城需步行两公里到国道边候车，老人和学生出行很不方便。",
    "经与县交通运输局和公交公司沟通，已在村口增设公交停靠站并调整班次。",
    "已将建议转县交通运输局，因该路段路面宽度不足暂不具备设站条件，待村道拓宽后统筹考虑。",
    legal_class=LegalClass.SUGGESTION, place="village", weight=1)
WATER = M("民生服务", "城建办", "反映自来水水压低、经常停水",
    "入夏以来地势较高的几个组每天下午自来水基本无水，已持续一个多月。",
    "经协调县供水公司，已在高位区域加装二次加压泵站，供水恢复正常。", weight=2)
DOGS = M("其他", "派出所", "反映村里流浪犬伤人，要求处理",
    "近期村口有几条无主流浪犬聚集，已有两名村民被咬伤，孩子上学要大人接送。",
    "派出所会同村委会对流浪犬进行了收容处置，并开展文明养犬宣传。", weight=1)
PETITIONS = [
    WAGE,
    M("劳动工资", "劳动保障所", "要求{company}结清其在{project}做工的工钱{amount}元",
      "在{project}跟班组做钢筋工{months}个月，包工头称公司未拨款，工钱一直未结。",
      "经劳动保障所协调，施工总承包单位通过农民工工资专用账户代为支付，工钱{amount}元已到账。",
      "经核实，{company}与班组长对工程量存在争议，劳动保障所已组织三方对账，欠付部分限期支付。",
      respondent="company", company="build", amount=(8000, 30000), migrant=0.7, weight=5),
    M("社会保障", "劳动保障所", "要求{company}为其补缴在职期间的职工社会保险费",
      "在{company}工作{n}年，公司一直未为其缴纳社会保险，今年办理退休手续时才发现。",
      "经劳动保障所责令整改，{company}已为你补缴在职期间的职工养老保险费。",
      "经核实，超过追缴时效部分已告知可向县社保中心申请稽核，其余部分公司已补缴。",
      respondent="company", age=(50, 60), weight=1),
    DIBAO, PENSION,
    M("社会保障", "民政办", "要求落实其残疾儿子的困难残疾人生活补贴和重度残疾人护理补贴",
      "儿子为肢体二级残疾，去年申请补贴后一直未见发放，不清楚办理进度。",
      "经核实申请已经县残联审核通过，因银行账户信息有误未能发放，现已更正并补发到位。", age=(45, 70), weight=1),
    M("土地征收", "自然资源所", "要求补发征地时漏算的青苗补偿款",
      "其家{area}亩承包地被{project}征收，补偿清册只计算了土地补偿，地里的茶树和果树没有计入。",
      "经自然资源所会同村委会现场核对，确有漏算，已补发青苗补偿款{amount}元。",
      "经核对征收时的现场调查表，地上附着物已按实清点并经你签字确认，补偿已足额发放。",
      place="village", amount=(2000, 9000), weight=2),
    LAND_PUBLISH, DEMOLITION,
    M("房屋拆迁", "城建办", "要求继续发放拆迁过渡费",
      "其家房屋因{project}拆迁，安置房至今未交付，过渡费却从{month}月起停发。",
      "经城建办核实，安置房交付延期，过渡费已按协议补发并继续按月发放至交房为止。", weight=1),
    CONTRACT_AREA, FISHPOND,
    M("农村土地承包", "农业农村办", "要求{company}支付拖欠的土地流转租金",
      "组里{n}户农户将{area}亩承包地流转给{company}种植苗木，合同约定每年年底支付租金，{year}年度租金至今未付。",
      "经农业农村办和村委会协调，{company}已分两期付清拖欠的土地流转租金。",
      "{company}因经营困难申请延期支付，经协调已签订补充协议，约定三个月内付清并承担逾期利息。",
      respondent="company", company="farm", place="village", weight=1),
    HOMESTEAD,
    NOISE,
    M("环境保护", "生态环境办", "反映{company}石材加工粉尘污染，要求整改",
      "厂区露天切割石料，粉尘飘到周边农户家中和菜地，晾晒的衣物都不能收。",
      "已责令企业对切割车间全封闭改造并配备喷淋降尘设备，整改后经复查粉尘明显减少。",
      respondent="company", weight=1),
    ROAD,
    ELEVATOR,
    M("城乡建设", "城建办", "反映房屋后山边坡雨季有滑坡隐患，要求治理",
      "屋后山体为土质边坡，今年汛期已局部垮塌，泥土冲到后墙，一家人晚上不敢睡觉。",
      "经自然资源所和城建办现场踏勘，已将该点列入地质灾害隐患点，落实监测责任人，并完成挡土墙和排水沟修建。",
      place="village", weight=1),
    BUS_STOP,
    M("民生服务", "民政办", "建议在村里建设老年食堂",
      "村里七十岁以上老人有一百多人，不少是独居，子女在外打工，吃饭是个难题。",
      "已将该村纳入今年居家养老服务中心建设计划，老年食堂已于近期开餐，七十岁以上老人用餐享受补贴。",
      legal_class=LegalClass.SUGGESTION, place="village", age=(60, 78), weight=1),
    WATER,
    DOGS,
    M("山林水利", "农业农村办", "要求修复{group}组灌溉水渠",
      "{group}组灌溉渠道年久失修，渠壁坍塌，春耕放水到不了田里，约{area}亩水田受影响。",
      "已将该水渠纳入小型农田水利设施维修项目，完成渠道硬化修复，赶在春耕前恢复通水。", place="village", weight=2),
    M("干部作风", "党政办", "反映镇便民服务中心窗口工作人员办事推诿、态度生硬",
      "到便民服务中心办理新农合缴费证明，先后跑了三趟，每次都被告知材料不全，每次说法都不一样。",
      "经核查情况属实，已对相关工作人员批评教育，并落实首问负责和一次性告知制度。", weight=1),
]

DISPUTES = [
    M("邻里纠纷", "village", "要求邻居{other}拆除在两家之间通道上砌筑的围墙，恢复通行",
      "两家共用的通道宽约一米五，{other}今年{month}月在通道中间砌了一道围墙，称属自家宅基地，致其家农用车无法进出。",
      "{other}同意将围墙后退五十厘米，保留一米二宽通道供双方共同通行，拆改费用由{other}承担，双方不得在通道上堆放杂物。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", weight=3),
    M("宅基地", "village", "要求确认与邻居{other}之间的宅基地边界",
      "{other}翻建新房时地基超出原老房基址，占用了其家滴水位置，双方多次争吵。",
      "经现场丈量，以原老房墙基为界，{other}对超出部分已建墙体不再拆除，一次性补偿{amount}元，双方签字确认界址。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", amount=(2000, 8000), weight=3,
      fail="双方对宅基地四至界线各执一词，{other}坚持新房未超出自家宅基地范围，调解不成。", route="admin_ruling",
      guidance="告知双方属土地权属争议，可向镇人民政府申请调查处理；对处理决定不服的，可依法申请行政复议或提起行政诉讼。"),
    M("邻里纠纷", "village", "反映楼上住户{other}长期夜间噪音扰民",
      "楼上住户经常深夜拖动桌椅、孩子跑跳，多次上门沟通无果，双方发生争执。",
      "{other}承诺晚上十点后控制噪音，在客厅铺设地垫；双方互留联系方式，有问题先行沟通。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="community", weight=2),
    M("邻里纠纷", "village", "要求邻居{other}恢复原排水沟走向",
      "{other}硬化院坝时将排水沟改道，下雨时雨水直接灌进其家院内和厨房。",
      "{other}在院坝边另修一条排水沟接入村主排水渠，费用双方各半，工程于协议签订后十五日内完工。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", weight=2),
    M("邻里纠纷", "village", "要求邻居{other}修剪遮挡其房屋采光的树木",
      "{other}家院边的几棵香樟树长得比房子还高，一楼常年见不到阳光，墙面返潮发霉。",
      "{other}同意本月底前将靠近其房屋的三棵香樟树修剪至二楼窗台以下，今后每年修剪一次。",
      legal_class=LegalClass.DISPUTE, respondent="person", weight=1),
    M("婚姻家庭", "司法所", "要求子女履行赡养义务，按月支付赡养费",
      "本人今年{age}岁，老伴已去世，三个子女以各种理由推脱赡养，本人患高血压，生活难以自理。",
      "三名子女每人每月支付赡养费六百元，每四个月轮流负责照料老人日常生活，医疗费用凭票据三人平均分担。",
      legal_class=LegalClass.DISPUTE, respondent="kin", age=(70, 86), weight=2),
    M("婚姻家庭", "司法所", "要求前夫{other}按离婚协议支付孩子抚养费",
      "离婚协议约定{other}每月支付抚养费一千元，自去年起未再支付，已累计拖欠{amount}元。",
      "{other}于协议签订之日起三十日内一次性支付拖欠的抚养费{amount}元，此后每月十日前按时支付。",
      legal_class=LegalClass.DISPUTE, respondent="person", amount=(6000, 16000), age=(28, 42), female=True, weight=1,
      fail="{other}以收入减少为由不同意支付拖欠的抚养费，调解不成。", route="litigation",
      guidance="告知可向人民法院起诉要求支付抚养费，已联系镇法律服务所为其提供法律援助。"),
    M("婚姻家庭", "village", "因父母老宅继承问题与兄弟{other}发生纠纷",
      "父母去世后留下三间老宅，{other}一直居住并拒绝其他兄弟姐妹分割，兄弟间多次争吵。",
      "老宅由{other}继承，{other}向其他兄弟姐妹各支付折价款{amount}元，于三个月内付清。",
      legal_class=LegalClass.DISPUTE, respondent="kin", amount=(20000, 60000), weight=1),
    M("山林水利", "village", "与邻村村民{other}因自留山林地边界发生争执",
      "双方山林以山脊为界，{other}砍伐杉木时越界砍了其家{n}棵杉木。",
      "双方以山脊分水线为界共同埋设界桩，{other}赔偿越界砍伐杉木损失{amount}元。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", amount=(1500, 6000), weight=1,
      fail="双方对山脊走向认识不一，均持有不同年代的山林权证，调解不成。", route="admin_ruling",
      guidance="告知双方属林木林地权属争议，可依法向县人民政府申请处理。"),
    M("山林水利", "village", "反映上游村民{other}截流，下游农田无法灌溉",
      "{other}在溪沟上游筑坝蓄水养鱼，下游{area}亩水田放不到水，秧苗快要枯死。",
      "双方约定灌溉期间上游每日早六时至中午十二时开闸放水，由村民小组长负责监督。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", weight=1),
    M("劳动工资", "司法所", "要求雇主{other}支付装修工钱{amount}元",
      "为{other}家新房做了两个月木工活，完工后{other}以工程质量有问题为由拒付尾款。",
      "双方确认工钱总额，{other}扣除返工费用后于十日内支付{amount}元。",
      legal_class=LegalClass.DISPUTE, respondent="person", amount=(5000, 15000), weight=1,
      fail="双方对返工费用分歧较大，{other}坚持先鉴定质量再付款，调解不成。", route="litigation",
      guidance="告知可向人民法院提起诉讼，已为其联系县法院诉前调解和法律援助。"),
    M("其他", "village", "{other}家的狗咬伤其孙子，要求赔偿医药费",
      "其孙子放学路过{other}家门口时被未拴养的狗咬伤腿部，打了狂犬疫苗，花费医药费一千余元。",
      "{other}一次性赔偿医药费、误工费共计{amount}元，并将狗拴养。",
      legal_class=LegalClass.DISPUTE, respondent="person", amount=(1500, 4000), age=(55, 72), weight=1),
]

ACCUSATION_DEPT = M(
    "干部作风", "纪检监察室", "检举镇城建办工作人员在农房建设审批中向建房户索要好处费",
    "去年以来，该工作人员以“加快审批”为由向多名建房户收取“辛苦费”，每户一两千元不等，本人办理时被索要{amount}元。",
    "", legal_class=LegalClass.ACCUSATION, amount=(1000, 3000),
)
ACCUSATION_VILLAGE = M(
    "干部作风", "纪检监察室", "检举村干部在低保评定中优亲厚友",
    "村里新评定的低保户中有两户是村干部的亲属，家里有车有房，真正困难的几户却没有评上。",
    "经调查，反映的问题部分属实，已对相关村干部诫勉谈话，并由村民代表会议对全村低保对象重新评议公示。",
    legal_class=LegalClass.ACCUSATION, place="village",
)
# 不予受理, with the lawful channel the petitioner is told to use (诉访分离).
NOT_ACCEPTED = [
    (M("涉法涉诉", "综治办", "对县人民法院就其与{other}民间借贷纠纷作出的判决不服，要求镇政府重新处理",
       "认为法院判决认定的借款数额有误，已向法院反映多次。", "", respondent="person"),
     "该事项已由人民法院作出生效判决，属于应当通过诉讼程序解决的事项；可依法向上级人民法院申请再审，或向人民检察院申请法律监督",
     "申请再审或者检察监督"),
    (M("劳动工资", "劳动保障所", "要求原工作单位{company}支付解除劳动合同的经济补偿金",
       "在{company}工作{n}年，公司以经营调整为由解除劳动合同，未支付经济补偿。", "", respondent="company"),
     "该事项属于劳动争议，应当向青山县劳动人事争议仲裁委员会申请仲裁", "劳动人事争议仲裁"),
    (M("其他", "综治办", "对县市场监督管理局作出的罚款决定不服，要求撤销",
       "其经营的小超市因销售过期食品被罚款，认为处罚过重。", ""),
     "该事项属于对行政处罚决定不服，可自知道处罚决定之日起六十日内向青山县人民政府申请行政复议，或六个月内向人民法院提起行政诉讼",
     "行政复议或者行政诉讼"),
]
FORWARDED = (
    M("城乡建设", "城建办", "反映县城{company}开发的楼盘逾期交房一年多，要求开发商尽快交房并支付违约金",
      "购买的商品房合同约定去年六月交房，至今未交付，开发商一直拖延。", "", respondent="company", company="estate"),
    "青山县住房和城乡建设局",
)

NOTES = [
    "已电话联系信访人了解具体诉求，约定上门核实。", "会同村两委干部到现场查看，拍照留存。", "调阅相关档案资料，核对原始记录。",
    "召集相关各方座谈，听取意见。", "向县级主管部门咨询有关政策规定。", "入户走访，了解家庭实际情况。",
]
SESSION_NOTES = [
    "调解员分别听取双方陈述，释法明理，双方情绪趋于平稳，约定再次调解。",
    "组织双方到现场查看，对照有关规定逐项说明，双方各自作出让步。",
    "邀请村里老党员、退休教师参与调解，背对背做工作后双方初步达成一致意见。",
]


# ------------------------------------------------------------------------------------------------ planning


@dataclass
class CasePlan:
    town: Town
    matter: Matter
    channel: str
    village: Unit
    received: dt.date
    registrar: User
    parties: list
    text: dict
    head_count: int = 1
    receiving_leader: User = None
    accused_unit: Unit = None
    steps: list = field(default_factory=list)

    def add(self, day, actor, action, **fields):
        self.steps.append((day, actor, action, fields))

    @property
    def kind(self):
        return Case.Kind.DISPUTE if self.matter.dispute else Case.Kind.PETITION

    def fill(self, template):
        return template.format_map(self.text)

class Planner:
    """Decides every case of the year and the dated steps it takes, before anything is written."""

    def __init__(self, rng, today, towns):
        self.rng, self.today, self.towns = rng, today, towns
        self.calendar = WorkCalendar(range(today.year - 2, today.year + 2))
        self.last = self.back(today - dt.timedelta(days=1))  # the latest day a step is dated
        self.plans = []

    # Days. Steps happen on working days, never today (the demo is the past year).
    def back(self, day):
        while not self.calendar.day(day).working:
            day -= dt.timedelta(days=1)
        return day

    def ago(self, days):
        """The working day on or before `days` days ago."""
        return self.back(self.today - dt.timedelta(days=days))

    def some_day(self, oldest, newest, months=None):
        """A working day between `oldest` and `newest` days ago, in one of `months` if that is easily found."""
        for _attempt in range(30):
            day = self.ago(self.rng.randint(newest, oldest))
            if not months or day.month in months:
                break
        return day

    def after(self, day, low, high):
        """A working day `low`..`high` days after `day`, but not after yesterday nor before `day`."""
        later = day + dt.timedelta(days=self.rng.randint(low, high))
        while not self.calendar.day(later).working:
            later += dt.timedelta(days=1)
        return max(day, min(later, self.last))

    def due(self, start, days, extension=0):
        additions = [(extension, "延期")] if extension else []
        return compute_due(start, days, "calendar", additions, calendar=self.calendar).due

    def accept_day_due_in(self, days, extension=0):
        """A working day on which an acceptance makes the handling clock fall due soon: 1..`days` days from
        today, or as soon after that as holidays allow (a due date never falls on one)."""
        span = 60 + extension
        candidates = sorted({self.ago(back) for back in range(span - 10, span + 12)}, reverse=True)
        ahead = {day: (self.due(day, 60, extension) - self.today).days for day in candidates}
        soon = [day for day in candidates if 1 <= ahead[day] <= days]
        return soon[0] if soon else min((day for day in candidates if ahead[day] >= 1), key=ahead.get)

    # People.
    def person(self, matter, village, role=Party.Role.PETITIONER, male=None, surname=None, age=None):
        rng = self.rng
        male = rng.random() < 0.6 if male is None else male
        surname = surname or (CLANS.get(village.name) if rng.random() < 0.5 else None)
        low, high = age or matter.age
        birth = self.today - dt.timedelta(days=rng.randint(low, high) * 365 + rng.randrange(365))
        migrant = role != Party.Role.RESPONDENT and rng.random() < matter.migrant
        if village.name.endswith("社区"):
            building, entrance = rng.randint(1, 12), rng.randint(1, 3)
            flat = rng.randint(1, 6) * 100 + rng.randint(1, 4)
            home = f"{rng.choice(ESTATES)}{building}幢{entrance}单元{flat}室"
        else:
            home = f"{rng.randint(1, 9)}组{rng.randint(1, 60)}号"
        return {
            "role": role, "name": _name(rng, male, surname),
            "id_number": id_number(rng, birth, male, MIGRANT_REGIONS if migrant else LOCAL_REGIONS),
            "phone": rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            "address": f"{'暂住' if migrant else ''}{village.parent.name}{village.name}{home}", "village": village,
        }

    def village_for(self, town, matter):
        villages = [
            v for v in town.villages
            if matter.place == "any" or v.name.endswith("社区") == (matter.place == "community")
        ]
        # 东岭村 (the demo handler's and grid worker's village) carries a larger share, so their logins show work.
        weights = [3 if v.name == "东岭村" else 1 for v in villages]
        return self.rng.choices(villages, weights)[0]

    # Cases.
    def new(self, town, matter, channel, received, *, village=None, head_count=1, representatives=0):
        """Plan a case received on `received`, with its parties and the values its texts need."""
        rng = self.rng
        village = village or self.village_for(town, matter)
        past = received - dt.timedelta(days=rng.randint(40, 300))
        low, high = matter.amount
        text = {
            "village": village.name, "group": rng.randint(1, 9), "company": rng.choice(COMPANIES[matter.company]),
            "project": rng.choice(PROJECTS), "amount": rng.randrange(low, high, 100), "months": rng.randint(2, 6),
            "month": past.month, "year": past.year, "area": rng.choice(["0.8", "1.2", "1.5", "2.3", "3", "4.5"]),
            "n": rng.randint(3, 12), "sqm": rng.randint(12, 40), "estate": rng.choice(ESTATES), "other": "",
        }
        if matter.monthly:
            text["amount"] = text["months"] * rng.randrange(4200, 7600, 100)
        role = Party.Role.REPRESENTATIVE if representatives else Party.Role.PETITIONER
        parties = [
            self.person(matter, village, role, male=False if matter.female else None)
            for _i in range(representatives or 1)
        ]
        text["age"] = received.year - int(parties[0]["id_number"][6:10])
        if matter.respondent in ("person", "kin"):
            kin = matter.respondent == "kin"  # a son or a brother, with the family name
            other = self.person(
                matter, village, Party.Role.RESPONDENT, male=True if kin or matter.female else None,
                surname=parties[0]["name"][0] if kin else None, age=(35, 55) if kin else None,
            )
            parties.append(other)
            text["other"] = other["name"]
        elif matter.respondent == "company":
            parties.append({"role": Party.Role.RESPONDENT, "name": text["company"], "village": village})
        if channel == Channel.GRID:  # found by the grid worker, or the village's mediator, on a household visit
            registrar = town.grid_workers.get(village.pk) or town.mediator(village)
        else:
            registrar = town.clerk
        plan = CasePlan(
            town=town, matter=matter, channel=channel, village=village, received=received, parties=parties, text=text,
            registrar=registrar, head_count=head_count,
            receiving_leader=town.duty_leader(received) if channel == Channel.VISIT else None,
        )
        self.plans.append(plan)
        return plan

    def responsible(self, plan):
        unit = plan.matter.unit
        return plan.village if unit == "village" else plan.town.department(unit)

    def intake(self, plan, day):
        """受理 and 交办 (for a dispute: send to the mediators) on `day`, by the leader who received it."""
        leader = plan.receiving_leader or plan.town.duty_leader(day)
        unit = self.responsible(plan)
        plan.add(day, leader, "accept")
        note = "请组织调解" if plan.matter.dispute else "请依法调查核实，按期书面答复信访人"
        plan.add(day, leader, "assign", unit=unit, note=note)
        # 签收: the unit takes the case over (首办负责 until then).
        plan.add(day, plan.town.mediator(unit) if plan.matter.dispute else plan.town.worker(unit), "sign_for")
        return unit

    def notes(self, plan, actor, start, end):
        for _i in range(self.rng.choice((0, 1, 1, 2))):
            plan.add(self.after(start, 0, max((end - start).days - 1, 0)), actor, "note", text=self.rng.choice(NOTES))

    def outcome(self, matter, weights=(60, 35, 5)):
        choices = [(o, w) for o, w in zip(("support", "explain", "reject"), weights) if getattr(matter, o)]
        return self.rng.choices([o for o, _w in choices], [w for _o, w in choices])[0]

    def reply(self, plan, day, actor, outcome, action="reply"):
        """A written reply, review decision or re-review decision, with the route onward the law requires."""
        body = plan.fill(getattr(plan.matter, outcome))
        request = plan.fill(plan.matter.request)
        if action == "reply":
            text = f"你{'们' if plan.head_count > 1 else ''}提出的“{request}”信访事项收悉。现答复如下：{body}{REVIEW_NOTICE}"
        elif action == "decide_review":
            text = f"你请求复查的“{request}”一事，经复查：{body}如对本复查意见不服，可自收到之日起30日内向上一级行政机关请求复核。"
        else:
            text = f"你请求复核的“{request}”一事，经复核：{body}本复核意见为最终意见，同一事实和理由的信访事项不再受理。"
        plan.add(day, actor, action, outcome=outcome, content=text)

    def handled(self, plan, *, accept=(0, 3), handle=(4, 40), close=(0, 6), outcome=None, resolved=True,
                extension=False, reply=True, closed=True):
        """Accept and assign a petition, investigate, then (unless told not to) reply and close it.

        Returns (accepted on, replied on); without a reply, the second is the last day of its handling clock.
        """
        accept_on = self.after(plan.received, *accept)
        unit = self.intake(plan, accept_on)
        worker = plan.town.worker(unit)
        if extension:  # 延长办理期限: asked before the 60 days run out, approved by the unit head
            plan.add(self.after(accept_on, 45, 55), worker, "extend", days=30, reason="案情复杂，需会同县级部门核实",
                     approver=plan.town.heads.get(unit.pk) or plan.town.leader)
            handle = (64, 80)
        due = self.back(self.due(accept_on, 60, 30 if extension else 0))
        reply_on = min(self.after(accept_on, *handle) if reply else self.last, due)
        self.notes(plan, worker, accept_on, reply_on)
        if reply:
            self.reply(plan, reply_on, worker, outcome or self.outcome(plan.matter))
        if reply and closed:
            note = "已电话回访，信访人对处理结果表示满意" if resolved else "信访人对处理意见仍有异议，已告知复查途径"
            plan.add(self.after(reply_on, *close), worker, "close", resolved=resolved, note=note)
        return accept_on, reply_on

    def mediated(self, plan, *, accept=(0, 2), sessions=None, result="agree", close=(0, 5)):
        """Accept, send to mediation, hold sessions, then agree, or fail and refer; close unless still mediating."""
        rng = self.rng
        accept_on = self.after(plan.received, *accept)
        unit = self.intake(plan, accept_on)
        mediator = plan.town.mediator(unit)
        names = f"{mediator.full_name}（{unit.name}人民调解员）"
        grid_worker = plan.town.grid_workers.get(plan.village.pk)
        if grid_worker:
            names += f"、{grid_worker.full_name}（网格员）"
        count = sessions or rng.choice((1, 1, 2, 2, 3))
        day = accept_on
        for i in range(count):
            day = self.after(day, 1 if i else 0, 8)
            agreed_now = result == "agree" and i == count - 1
            plan.add(day, mediator, "mediation_session", mediators=names,
                     place=rng.choice([f"{plan.village.name}调解室", "镇矛调中心调解室", "纠纷现场"]),
                     minutes="经调解，双方自愿达成协议。" if agreed_now else rng.choice(SESSION_NOTES))
        if result == "agree":
            plan.add(day, mediator, "agree", terms=plan.fill(plan.matter.support))
            plan.add(self.after(day, *close), mediator, "close", resolved=True, note="协议已履行，回访双方无异议")
        elif result == "fail":
            plan.add(day, mediator, "mediation_failed", reason=plan.fill(plan.matter.fail))
            refer_on = self.after(day, 0, 2)
            plan.add(refer_on, mediator, "refer", route=plan.matter.route, guidance=plan.matter.guidance)
            plan.add(self.after(refer_on, *close), mediator, "close", resolved=False, note="已引导当事人依法解决")

    def pick(self, matters):
        return self.rng.choices(matters, [m.weight for m in matters])[0]

    # The year of the centre.
    def plan_centre(self, town):
        self.visits(town)
        self.open_matters(town)
        self.reviews(town)
        self.closed_matters(town)
        self.grid_disputes(town)

    def visits(self, town):
        """86 visits, 156 person-times, 84 resolved (DESIGN.md §1); the two unresolved are still open."""
        rng, visit = self.rng, Channel.VISIT
        # A group visit on land compensation, owned by the owning leader, 80 days in and not yet answered.
        hard = self.new(town, LAND_GROUP, visit, self.some_day(84, 78), head_count=12, representatives=5)
        hard.receiving_leader = town.owner
        accept_on, _due = self.handled(hard, accept=(0, 0), reply=False)
        hard.add(self.after(accept_on, 2, 5), town.owner, "note",
                 text="包案领导召开专题会，成立由自然资源所、财政所和村两委组成的工作专班，逐户核对补偿清册。")
        again = self.some_day(34, 28)
        hard.add(again, town.clerk, "contact", channel=visit, head_count=6, receiving_leader=town.owner,
                 note="村民再次集体来访询问进度，包案领导接待并通报核查情况")
        hard.add(again, town.owner, "note", text="与县自然资源和规划局会商补偿标准适用问题，形成会议纪要。")
        self.handled(self.new(town, DIBAO, visit, self.some_day(14, 8)), reply=False)

        for matter, heads, representatives, months in (
            (WAGE_GROUP, 8, 3, (12, 1, 2)), (LAND_GROUP, 6, 2, None), (PIG_FARM, 5, 2, None), (FISHPOND, 7, 3, None),
        ):
            plan = self.new(town, matter, visit, self.some_day(350, 60, months), head_count=heads,
                            representatives=representatives)
            self.handled(plan, accept=(0, 0), handle=(12, 35), outcome="support")
            if matter is WAGE_GROUP:
                plan.add(self.after(plan.received, 5, 9), town.clerk, "contact", channel=visit, head_count=4,
                         note="再次来访询问工资支付进度")
        singles = []
        for _i in range(10):
            plan = self.new(town, self.pick(DISPUTES), visit, self.some_day(355, 20))
            self.mediated(plan, accept=(0, 0))
            singles.append(plan)
        for i in range(70):
            matter = self.pick(PETITIONS)
            extension = i in (3, 40)
            months = (12, 1, 2) if matter is WAGE else None  # 春节前讨薪
            plan = self.new(town, matter, visit, self.some_day(355, 120 if extension else 12, months))
            quick = rng.random() < 0.5  # 最多访一次: many visits are answered within days
            handle = (2, 8) if quick else (8, 45)
            _accept, reply_on = self.handled(plan, accept=(0, 1), handle=handle, extension=extension)
            singles.append(plan)
            for _n in range((2 if i % 12 == 7 else 1) if i % 6 == 1 else 0):
                day = self.after(plan.received, 1, (reply_on - plan.received).days - 1)
                if plan.received < day < reply_on:
                    plan.add(day, town.clerk, "contact", channel=visit, head_count=1, note="再次来访询问办理进度")
        self.balance_person_times(town, singles)

    def balance_person_times(self, town, singles):
        """Set the head counts of one-person visits (1–3: a couple, a family) so the year comes to 156 exactly."""
        visits = [p for p in self.plans if p.town is town and p.channel == Channel.VISIT]
        if len(visits) != VISIT_CASES:
            raise DemoError(f"planned {len(visits)} visit cases, not {VISIT_CASES}")
        for plan in singles:
            plan.head_count = self.rng.choices((1, 2, 3), (80, 15, 5))[0]
        while True:
            total = sum(p.head_count + sum(f.get("head_count", 0) for *_s, f in p.steps) for p in visits)
            if total == VISIT_PERSON_TIMES:
                return
            step = 1 if total < VISIT_PERSON_TIMES else -1
            movable = [p for p in singles if 1 <= p.head_count + step <= 3]
            if not movable:
                raise DemoError("cannot reach the visit person-times")
            self.rng.choice(movable).head_count += step

    def open_matters(self, town):
        """What is on the desk today: overdue, due soon, in handling, waiting for acceptance, replied."""
        C = Channel
        dongling = next(v for v in town.villages if v.name == "东岭村")
        road = self.new(town, ROAD, C.LETTER, self.some_day(80, 76), village=dongling)
        self.handled(road, accept=(2, 4), reply=False)
        self.handled(self.new(town, WAGE, C.CALL, self.accept_day_due_in(3)), accept=(0, 0), reply=False)
        land_office = town.department("自然资源所")
        plan = self.new(town, HOMESTEAD, C.LETTER, self.accept_day_due_in(3, extension=30))
        accept_on, _due = self.handled(plan, accept=(0, 0), reply=False)
        plan.add(self.after(accept_on, 48, 55), town.worker(land_office), "extend", days=30,
                 reason="申请地块涉及村庄规划调整，需报县自然资源和规划局审核", approver=town.heads[land_office.pk])
        # 检举控告 against a department: handled by the discipline office, never by the accused (第四十六条).
        plan = self.new(town, ACCUSATION_DEPT, C.ONLINE, self.some_day(28, 24))
        plan.accused_unit = town.department("城建办")
        self.handled(plan, accept=(2, 3), reply=False)
        self.handled(self.new(town, NOISE, C.CALL, self.some_day(20, 16)), reply=False)
        self.handled(self.new(town, BUS_STOP, C.ONLINE, self.some_day(11, 8)), reply=False)
        self.new(town, WATER, C.ONLINE, self.some_day(24, 21))  # its acceptance notice is overdue
        self.new(town, ELEVATOR, C.ONLINE, self.some_day(4, 2))
        self.new(town, DOGS, C.CALL, self.some_day(2, 1))
        self.handled(self.new(town, CONTRACT_AREA, C.LETTER, self.some_day(45, 40)), accept=(2, 3), handle=(30, 34),
                     outcome="explain", closed=False)
        self.handled(self.new(town, PENSION, C.ONLINE, self.some_day(30, 25)), accept=(1, 2), handle=(14, 17),
                     outcome="support", closed=False)

    def reviews(self, town):
        """复查 and 复核: two cases in review, one in re-review after a hearing, one final, one reviewed and closed."""
        C = Channel
        for matter, channel, received, replied, requested, closed in (
            (DIBAO, C.LETTER, (100, 95), 42, 15, True), (FISHPOND, C.ONLINE, (70, 62), 26, 8, False),
        ):
            plan = self.new(town, matter, channel, self.some_day(*received))
            accept_on, reply_on = self.after(plan.received, 2, 3), self.ago(replied)
            worker = town.worker(self.intake(plan, accept_on))
            self.notes(plan, worker, accept_on, reply_on)
            self.reply(plan, reply_on, worker, "reject" if matter.reject else "explain")
            if closed:
                plan.add(self.after(reply_on, 1, 3), worker, "close", resolved=False, note="信访人对处理意见不服，表示将请求复查")
            plan.add(self.ago(requested), town.clerk, "request_review")
        # matter, channel, received, replied, review asked, review decided, re-review asked, hearing, final (days ago)
        for matter, channel, received, replied, asked, decided, asked_again, hearing, final in (
            (HOMESTEAD, C.LETTER, 160, 100, 78, 52, 30, (15, 10), None),
            (DEMOLITION, C.LETTER, 330, 290, 275, 250, 236, (226, 223), 212),
            (LAND_PUBLISH, C.ASSIGNED, 240, 200, 186, 166, None, None, None),
        ):
            plan = self.new(town, matter, channel, self.ago(received))
            accept_on = self.after(plan.received, 2, 3)
            worker = town.worker(self.intake(plan, accept_on))
            self.notes(plan, worker, accept_on, self.ago(replied))
            self.reply(plan, self.ago(replied), worker, "reject" if matter.reject else "explain")
            plan.add(self.ago(asked), town.clerk, "request_review")
            if asked_again is None:
                self.reply(plan, self.ago(decided), town.director, "support", action="decide_review")
                plan.add(self.after(self.ago(decided), 2, 5), worker, "close", resolved=True, note="复查意见已落实")
                continue
            self.reply(plan, self.ago(decided), town.owner, "explain", action="decide_review")
            plan.add(self.ago(asked_again), town.clerk, "request_rereview")
            plan.add(self.ago(hearing[0]), town.owner, "start_hearing")
            plan.add(self.ago(hearing[1]), town.owner, "end_hearing")
            if final:
                self.reply(plan, self.ago(final), town.director, "explain", action="decide_rereview")

    def closed_matters(self, town):
        """Letters, calls, online items, matters handed down and a fax, mostly closed; refusals and a transfer."""
        C, rng = Channel, self.rng
        plan = self.new(town, ACCUSATION_VILLAGE, C.LETTER, self.some_day(300, 200))
        plan.accused_unit = plan.village
        self.handled(plan, accept=(3, 6), handle=(25, 50), outcome="support")
        for matter, reason, lawful in NOT_ACCEPTED:  # 不予受理, with the lawful channel (诉访分离)
            plan = self.new(town, matter, rng.choice([C.LETTER, C.CALL, C.ONLINE]), self.some_day(330, 30))
            plan.add(self.after(plan.received, 1, 8), town.director, "not_accept", reason=reason, lawful_channel=lawful)
        matter, organ = FORWARDED
        plan = self.new(town, matter, C.ONLINE, self.some_day(250, 40))
        plan.add(self.after(plan.received, 1, 4), town.leader, "forward", organ=organ, reason="属县住房和城乡建设局职责范围")
        for channel, count in ((C.LETTER, 4), (C.CALL, 9), (C.ONLINE, 8), (C.ASSIGNED, 2), (C.FAX, 1)):
            for i in range(count):
                matter = self.pick(PETITIONS)
                resolved = i % 5 != 4
                self.handled(self.new(town, matter, channel, self.some_day(355, 14)), accept=(1, 6), handle=(6, 45),
                             resolved=resolved, outcome=None if resolved or not matter.explain else "explain")

    def grid_disputes(self, town):
        """Disputes grid workers found on household visits: most agreed, three referred, two mediating, one new."""
        dongling = next(v for v in town.villages if v.name == "东岭村")
        failing = [m for m in DISPUTES if m.fail]
        rural = [m for m in DISPUTES if m.place != "community"]
        for i in range(21):
            village = dongling if i in (0, 1, 5, 10, 15) else None  # the demo grid worker's village
            matter = failing[i - 18] if i >= 18 else self.pick(rural if village else DISPUTES)
            received = {0: self.some_day(48, 44), 1: self.some_day(12, 8), 2: self.some_day(3, 1)}.get(i)
            plan = self.new(town, matter, Channel.GRID, received or self.some_day(350, 15), village=village)
            if i == 0:
                self.mediated(plan, accept=(1, 1), sessions=2, result=None)  # past the 30-day mediation clock
            elif i == 1:
                self.mediated(plan, accept=(1, 1), sessions=1, result=None)
            elif i >= 3:
                self.mediated(plan, accept=(1, 2), result="fail" if i >= 18 else "agree")

    def plan_other(self, town):
        """The second township: a handful of cases, so the county supervisor sees two centres."""
        C = Channel
        local = [m for m in PETITIONS if m.unit in town.departments or m.unit == "village"]
        for channel, head_count in ((C.VISIT, 5), (C.VISIT, 1), (C.VISIT, 2), (C.VISIT, 1), (C.CALL, 1), (C.ONLINE, 1)):
            matter = WAGE_GROUP if head_count == 5 else self.pick(local)
            plan = self.new(town, matter, channel, self.some_day(330, 20), head_count=head_count,
                            representatives=2 if head_count == 5 else 0)
            self.handled(plan, accept=(0, 2), handle=(5, 30))
        self.handled(self.new(town, WAGE, C.VISIT, self.some_day(15, 6)), reply=False)
        for i in range(3):
            plan = self.new(town, self.pick(DISPUTES), C.GRID, self.some_day(300, 20) if i < 2 else self.some_day(5, 1))
            if i < 2:
                self.mediated(plan, accept=(1, 2))

    def plan(self):
        centre, other = self.towns
        self.plan_centre(centre)
        self.plan_other(other)
        return sorted(self.plans, key=lambda p: p.received)



# ----------------------------------------------------------------------------------------------- writing

DATE_FIELDS = {
    "reply": "served_on", "decide_review": "served_on", "decide_rereview": "served_on",
    "request_review": "requested_on", "request_rereview": "requested_on",
    "start_hearing": "on_date", "end_hearing": "on_date", "mediation_session": "held_on", "agree": "signed_on",
}
UNVERSIONED = {"note", "document", "mediation_session"}


class _DeskClock:
    """Times of day for back-dated steps: office hours, strictly increasing within a case."""

    def __init__(self, rng):
        self.rng = rng

    def first(self, day, previous=None):
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
        at = start + dt.timedelta(minutes=self.rng.randint(0, 420))
        if previous is not None and timezone.localtime(previous).date() == day:
            at = previous + dt.timedelta(minutes=self.rng.randint(8, 40))
        return at

    def next(self, day, previous):
        if day < timezone.localtime(previous).date():
            raise DemoError(f"step dated {day} before the previous step at {previous}")
        at = self.first(day, previous)
        if timezone.localtime(at).date() != day or at > timezone.now():
            raise DemoError(f"no office time left on {day}")
        return at


def write(plan, categories, clock, received_at):
    """Register the planned case and take each of its steps through the action functions."""
    case = do_register_case(
        plan.registrar, kind=plan.kind, channel=plan.channel, legal_class=plan.matter.legal_class,
        category=categories[plan.matter.category], request=plan.fill(plan.matter.request),
        facts=plan.fill(plan.matter.facts), parties=plan.parties, village=plan.village, head_count=plan.head_count,
        accused_unit=plan.accused_unit, receiving_leader=plan.receiving_leader, received_at=received_at,
    )
    at = received_at
    for day, actor, action, fields in sorted(plan.steps, key=lambda s: s[0]):
        at = clock.next(day, at)
        fields = dict(fields)
        try:
            if action == "contact":
                if fields["channel"] == Channel.VISIT:
                    fields.setdefault("receiving_leader", plan.town.duty_leader(day))
                do_record_contact(actor, case, occurred_at=at, **fields)
                continue
            if action in DATE_FIELDS:
                fields[DATE_FIELDS[action]] = day
            if action not in UNVERSIONED:
                fields["expected_version"] = case.version
            ACTION_FUNCTIONS[action](actor, case, at=at, **fields)
        except ActionError as e:
            raise DemoError(f"{case.number} {action} on {day}: {e.message}") from e
    return case


def _wipe():
    """Delete the demo townships' cases (units and staff stay: the audit trail refers to them)."""
    ids = list(Case.objects.filter(centre__code__in=[CENTRE_CODE, OTHER_CODE]).values_list("pk", flat=True))
    Case.objects.filter(pk__in=ids).delete()
    if ids:
        # The search table (cases.0003) has no foreign key to cascade from, on either database.
        key = "case_id" if connection.vendor == "postgresql" else "rowid"
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM cases_fts WHERE {key} IN ({', '.join(['%s'] * len(ids))})", ids)
    record(None, "demo.reset", details={"cases_deleted": len(ids)})
    return len(ids)


# 谁主管、谁负责: the department that owns each field; everything else goes to its village (属地管理).
ROUTING = [
    ("劳动工资", "劳动保障所"), ("社会保障", "民政办"), ("土地征收", "自然资源所"), ("宅基地", "自然资源所"),
    ("环境保护", "生态环境办"), ("房屋拆迁", "城建办"), ("城乡建设", "城建办"), ("农村土地承包", "农业农村办"),
    ("民生服务", "社会事务办"), ("干部作风", "纪检监察室"), ("涉法涉诉", "司法所"),
]


def build_routing_rules():
    from jiefen.routing.models import RoutingRule

    for code in (CENTRE_CODE, OTHER_CODE):
        centre = Unit.objects.get(code=code)
        if RoutingRule.objects.filter(centre=centre).exists():
            continue
        RoutingRule.objects.create(centre=centre, basis=RoutingRule.Basis.TERRITORIAL, priority=900,
                                   note="未列明的事项由所在村（社区）属地办理")
        for category, department in ROUTING:
            unit = Unit.objects.filter(path__startswith=centre.path, name=department).first()
            category = Category.objects.filter(name=category).first()
            if unit and category:
                RoutingRule.objects.create(centre=centre, category=category, unit=unit,
                                           basis=RoutingRule.Basis.DEPARTMENTAL, note=f"{department}主管")


def seed(*, seed=DEFAULT_SEED, reset=False):
    """Build the demo county unless its centre already has cases; return how many cases were written."""
    with transaction.atomic():
        centre = Unit.objects.filter(code=CENTRE_CODE).first()
        if centre is not None and not reset and Case.objects.filter(centre=centre).exists():
            return 0
        if reset:
            grid_demo.wipe(CENTRE_CODE, OTHER_CODE)  # household visits point at the cases
            _wipe()
        build_units()
        build_staff(reset=reset)
        build_routing_rules()
        # Before the towns are read: this month's visits are received by the leader the roster has on duty.
        seed_roster(Unit.objects.get(code=CENTRE_CODE), timezone.localdate())
        rng = random.Random(seed)
        planner = Planner(rng, timezone.localdate(), [Town(CENTRE_CODE), Town(OTHER_CODE)])
        categories = {c.name: c for c in Category.objects.all()}
        plans = planner.plan()
        missing = {p.matter.category for p in plans} - set(categories)
        for name in sorted(missing):
            categories[name] = Category.objects.create(name=name, sort=len(categories))
        clock, previous = _DeskClock(rng), None
        for plan in plans:
            received_at = clock.first(plan.received, previous)
            previous = received_at
            write(plan, categories, clock, received_at)
        written = len(plans) + leadership_demo.seed(CENTRE_CODE, OTHER_CODE)
        return written + grid_demo.seed(CENTRE_CODE, OTHER_CODE, seed=seed)


def figures(code=CENTRE_CODE, today=None):
    """The demo figures of one township, as the report and the tests read them."""
    today = today or timezone.localdate()
    cases = Case.objects.filter(centre__code=code)
    visits = cases.filter(channel=Channel.VISIT)
    soon = today + dt.timedelta(days=3)
    return {
        "cases": cases.count(),
        "visit_cases": visits.count(),
        "visit_person_times": visits.aggregate(n=Sum("person_times"))["n"] or 0,
        "visits_resolved": visits.filter(resolved=True).count(),
        "by_status": dict(cases.values_list("status").annotate(n=Count("id")).order_by("status")),
        "by_channel": dict(cases.values_list("channel").annotate(n=Count("id")).order_by("channel")),
        "disputes": cases.filter(kind=Case.Kind.DISPUTE).count(),
        "group_visits": visits.filter(is_group=True).count(),
        "overdue": cases.filter(next_due_on__lt=today).count(),
        "due_soon": cases.filter(next_due_on__gte=today, next_due_on__lte=soon).count(),
        "closed": cases.filter(status__in=[Status.CLOSED, Status.FINAL]).count(),
    }
