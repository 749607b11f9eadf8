"""Demo data for finding disputes early (隐患摸排到位), on top of the demo year (year.py).

Every village's grids get their households and the register its visitors and mediators; a year of household
visits covers about 9,000 households of the centre, and about 105 disputes are found on them (DESIGN.md §1): the
grid-channel dispute cases of the demo year, plus more of them written here through the same planner and actions,
so mediation ends in every outcome (agreed, failed, referred, still mediating, closed). One campaign is running,
one is over, and the key-group register has one person whose visit is overdue.

Households and visits are written with bulk_create (tens of thousands of rows in a second or two) and one audit
record says so; visitors, disputes' cases, campaigns and key people go through their actions.
"""

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from jiefen.audit.records import record
from jiefen.cases.models import Case, Category, Channel, Party
from jiefen.grid.actions import do_add_visitor, do_create_campaign, do_list_key_person, do_record_key_person_visit
from jiefen.grid.models import (
    Campaign,
    DisputeKind,
    DisputeRecord,
    Finding,
    Household,
    HouseholdVisit,
    KeyPerson,
    KeyPersonVisit,
    RiskLevel,
    Visitor,
)
from jiefen.org.models import Role, Unit, User

from .matters import DISPUTES
from .people import CLANS, ESTATES, PHONE_PREFIXES, person_name
from .township import Town
from .year import DeskClock, Planner, write

# DESIGN.md §1: 9,000+ households visited and 105 disputes found in a year.
DISPUTES_FOUND = 105
HOUSEHOLDS_PER_GRID = (190, 240)  # the centre; the second township's grids are about half that
VISITED_SHARE = 0.88
CAMPAIGN_DAYS = 45  # the running campaign started this many days ago
KIND_OF_CATEGORY = {
    "邻里纠纷": DisputeKind.NEIGHBOUR, "宅基地": DisputeKind.LAND, "山林水利": DisputeKind.LAND,
    "农村土地承包": DisputeKind.LAND, "婚姻家庭": DisputeKind.FAMILY, "劳动工资": DisputeKind.WAGES,
    "房屋拆迁": DisputeKind.CONSTRUCTION,
}
CONCERNS = [
    "独居老人，房屋年久失修有安全隐患，已报村委会",
    "家中电线老化私拉乱接，已提醒更换",
    "反映村道路灯损坏，已转村委会",
    "邻里间因停车位有口角，已劝解，持续关注",
    "家庭成员间因赡养老人有矛盾苗头，已做疏导",
    "外出务工人员工资结算有拖欠迹象",
    "反映屋后山体有滑坡迹象，已报镇应急办",
    "承包地流转费用约定不清，双方有分歧苗头",
]
NOTES = ["家中情况正常，宣传了反诈知识", "了解家庭生产生活情况，无诉求", "宣传信访工作条例和法律援助渠道", "", "", ""]
KEY_PEOPLE = [
    ("信访老户", KeyPerson.Group.PETITIONER, "多年反映土地征收补偿问题，曾多次赴县上访", 30),
    ("精神障碍", KeyPerson.Group.MENTAL, "登记在册的严重精神障碍患者，需监护人落实监护责任", 15),
    ("刑满释放", KeyPerson.Group.RELEASED, "刑满释放不满五年，需帮扶就业", 60),
    ("社区矫正", KeyPerson.Group.CORRECTION, "社区矫正对象，配合司法所落实矫正措施", 30),
    ("涉军", KeyPerson.Group.VETERAN, "退役军人，反映待遇落实问题", 60),
    ("困难", KeyPerson.Group.HARDSHIP, "因病致贫，独居，需定期关心生活", 30),
]


def wipe(*codes):
    """Delete the grid module's demo rows of the townships `codes` (before their cases: visits point at cases)."""
    centres = list(Unit.objects.filter(code__in=codes).values_list("pk", flat=True))
    KeyPersonVisit.objects.filter(person__centre_id__in=centres).delete()
    KeyPerson.objects.filter(centre_id__in=centres).delete()
    Campaign.objects.filter(centre_id__in=centres).delete()
    DisputeRecord.objects.filter(case__centre_id__in=centres).delete()
    HouseholdVisit.objects.filter(centre_id__in=centres).delete()
    Household.objects.filter(centre_id__in=centres).delete()
    Visitor.grids.through.objects.filter(visitor__centre_id__in=centres).delete()
    Visitor.objects.filter(centre_id__in=centres).delete()


def seed(centre_code, other_code, *, seed=2026):
    """The grid module's demo for both townships; returns how many cases it wrote (the extra grid disputes)."""
    rng = random.Random(f"grid-{seed}")
    today = timezone.localdate()
    written = _more_disputes(rng, centre_code, other_code, seed)
    for code in (centre_code, other_code):
        _Township(rng, today, Unit.objects.get(code=code), main=code == centre_code).build()
    return written


def _more_disputes(rng, centre_code, other_code, seed):
    """Grid-channel dispute cases, planned and written as the demo year's are, up to DISPUTES_FOUND in the centre;
    the extra ones end in every outcome of mediation."""
    centre = Unit.objects.get(code=centre_code)
    have = Case.objects.filter(centre=centre, channel=Channel.GRID, kind=Case.Kind.DISPUTE).count()
    wanted = max(DISPUTES_FOUND - have, 0)
    if not wanted:
        return 0
    planner = Planner(random.Random(seed + 4), timezone.localdate(), [Town(centre_code)])
    town = planner.towns[0]
    # The last few stop part-way, so the ledger shows every stage: agreed and not yet closed, failed and not yet
    # referred, referred and not yet closed, still mediating, and newly found.
    tails = ["agreed", "agreed", "failed", "referred", "referred", "mediating", "mediating", "mediating", "new", "new"]
    failing = [m for m in DISPUTES if m.fail]
    for i in range(wanted):
        tail = tails[i] if i < len(tails) else None
        matter = rng.choice(failing) if tail in ("failed", "referred") or i % 9 == 4 else planner.pick(DISPUTES)
        if tail == "new":
            received = planner.some_day(6, 1)
        elif tail:
            received = planner.some_day(40, 10)
        else:
            received = planner.some_day(355, 20)
        plan = planner.new(town, matter, Channel.GRID, received)
        if tail == "new":
            continue
        if tail is None:
            planner.mediated(plan, accept=(0, 2), result="fail" if i % 9 == 4 else "agree")
            continue
        planner.mediated(plan, accept=(0, 2), sessions=1 if tail == "mediating" else 2, result=None)
        last = max(day for day, *_rest in plan.steps)
        mediator = plan.steps[-1][1]
        if tail == "agreed":
            plan.add(last, mediator, "agree", terms=plan.fill(matter.support))
        elif tail in ("failed", "referred"):
            plan.add(last, mediator, "mediation_failed", reason=plan.fill(matter.fail))
            if tail == "referred":
                plan.add(planner.after(last, 0, 2), mediator, "refer", route=matter.route, guidance=matter.guidance)
    categories = {c.name: c for c in Category.objects.all()}
    clock, previous = DeskClock(rng), None
    plans = sorted(planner.plans, key=lambda p: p.received)
    for plan in plans:
        received_at = clock.first(plan.received, previous)
        previous = received_at
        write(plan, categories, clock, received_at)
    return len(plans)


class _Township:
    """One township's grid work: households, the register, a year of visits, the ledger, campaigns, key people."""

    def __init__(self, rng, today, centre, *, main):
        self.rng, self.today, self.centre, self.main = rng, today, centre, main
        self.villages = list(Unit.objects.filter(parent=centre, kind=Unit.Kind.VILLAGE).order_by("sort"))
        self.grids = {v.pk: list(v.children.filter(kind=Unit.Kind.GRID).order_by("sort")) for v in self.villages}
        self.director = (
            User.objects.filter(unit=centre, role=Role.DIRECTOR).first()
            or User.objects.filter(unit=centre, role=Role.LEADER).order_by("id").first()
        )

    def build(self):
        # The running campaign's villages, chosen first: their households are visited again during it.
        self.campaign_villages = self.rng.sample(self.villages, min(8, len(self.villages))) if self.main else []
        dongling = next((v for v in self.villages if v.name == "东岭村"), None)
        if dongling is not None and self.campaign_villages and dongling not in self.campaign_villages:
            self.campaign_villages[0] = dongling
        self.visitors = self.register()
        households = self.households()
        disputes = self.dispute_cases()
        self.assign_dispute_households(households, disputes)
        Household.objects.bulk_create(households, batch_size=2000)
        visits = self.visits(households, disputes)
        HouseholdVisit.objects.bulk_create(visits, batch_size=2000)
        self.ledger(disputes)
        record(self.director, "demo.grid_seed", self.centre, households=len(households), visits=len(visits),
               disputes=len(disputes))
        if self.main:
            self.campaigns()
            self.key_people()

    # The register of visitors and mediators.
    def register(self):
        names = random.Random(f"grid-staff-{self.centre.code}")
        phones = iter(range(10**7, 10**8, 7919))

        def phone():
            return f"139{next(phones):08d}"

        def add(name, kind, grids, account=None, specialities=""):
            return do_add_visitor(self.director, name=name, kind=kind, phone=phone(), grids=grids, account=account,
                                  specialities=specialities)

        by_village = {}
        staff = {u.unit_id: u for u in User.objects.filter(unit__path__startswith=self.centre.path, role=Role.MEDIATOR)}
        police = [
            add(person_name(names, True), Visitor.Kind.POLICE, [], specialities="治安纠纷、矛盾排查") for _i in range(3)
        ]
        for v, village in enumerate(self.villages):
            grids = self.grids[village.pk]
            workers = {}
            for grid in grids:
                account = staff.get(grid.pk)
                name = account.full_name if account else person_name(names, names.random() < 0.4)
                workers[grid.pk] = add(name, Visitor.Kind.GRID_WORKER, [grid], account)
            tj = staff.get(village.pk)
            mediator = add(tj.full_name if tj else person_name(names, True), Visitor.Kind.MEDIATOR, grids, tj,
                           specialities=names.choice(["邻里纠纷、婚姻家庭", "土地山林、宅基地", "劳资纠纷、损害赔偿"]))
            steward = add(person_name(names, names.random() < 0.5), Visitor.Kind.STEWARD, grids)
            elder = add(person_name(names, True), Visitor.Kind.ELDER, grids,
                        specialities=names.choice(["退休教师", "退伍军人", "老党员", "退休干部"]))
            police[v % len(police)].grids.add(*grids)
            by_village[village.pk] = {"workers": workers, "mediator": mediator, "steward": steward, "elder": elder,
                                      "police": police[v % len(police)]}
        if self.main:
            sifa = Unit.objects.filter(parent=self.centre, name="司法所").first()
            account = staff.get(sifa.pk) if sifa else None
            add(account.full_name if account else "司法所调解员", Visitor.Kind.MEDIATOR, [], account,
                specialities="婚姻家庭、劳资纠纷、人身损害赔偿")
            add(person_name(names, True), Visitor.Kind.LAWYER, [], specialities="法律援助、合同纠纷")
        return by_village

    # Households.
    def households(self):
        rng, rows = self.rng, []
        low, high = HOUSEHOLDS_PER_GRID if self.main else (90, 120)
        for village in self.villages:
            community = village.name.endswith("社区")
            for g, grid in enumerate(self.grids[village.pk]):
                surname = CLANS.get(village.name)
                for n in range(rng.randint(low, high)):
                    if community:
                        estate = ESTATES[(g * 2 + n // 120) % len(ESTATES)]
                        address = (
                            f"{estate}{g * 10 + n // 24 + 1}幢{n % 24 // 8 + 1}单元{(n % 8) // 2 + 1}0{n % 2 + 1}室"
                        )
                    else:
                        address = f"{village.name}{g * 4 + n // 60 + 1}组{n % 60 + 1}号"
                    male = rng.random() < 0.75
                    head = person_name(rng, male, surname if surname and rng.random() < 0.5 else None)
                    rows.append(Household(
                        grid=grid, village=village, centre=self.centre, head_name=head, address=address,
                        members=rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)),
                        phone=rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                        active=rng.random() > 0.01,
                    ))
        return rows

    def dispute_cases(self):
        return list(
            Case.objects.filter(centre=self.centre, channel=Channel.GRID, kind=Case.Kind.DISPUTE, village__isnull=False)
            .select_related("category").order_by("received_at")
        )

    def assign_dispute_households(self, households, disputes):
        """The household each dispute was found at: one of its village, renamed to the petitioner's name."""
        by_village = {}
        for h in households:
            if h.active:
                by_village.setdefault(h.village_id, []).append(h)
        taken = set()
        petitioners = dict(
            Party.objects.filter(case__in=disputes).exclude(role=Party.Role.RESPONDENT).order_by("case_id", "id")
            .values_list("case_id", "name")
        )
        self.found_at = {}
        for case in disputes:
            choices = [h for h in by_village.get(case.village_id, []) if id(h) not in taken]
            household = self.rng.choice(choices)
            taken.add(id(household))
            household.head_name = petitioners.get(case.pk, household.head_name)
            self.found_at[case.pk] = household

    # A year of visits.
    def visits(self, households, disputes):
        rng, today = self.rng, self.today
        recorder = {}
        rows = []
        dispute_households = {id(h): case for case in disputes for h in [self.found_at[case.pk]]}
        campaign = {v.pk for v in self.campaign_villages}
        for h in households:
            people = self.visitors[h.village_id]
            worker = people["workers"][h.grid_id]
            account = worker.user or self.director
            recorder[h.grid_id] = account
            case = dispute_households.get(id(h))
            if case is not None:
                found = timezone.localdate(case.received_at)
                rows.append(self._visit(h, found, worker, Finding.DISPUTE, case.request[:200], account, case))
            if not h.active or (case is None and rng.random() > VISITED_SHARE):
                continue
            days = [rng.randint(1, 360) for _n in range(rng.choice((1, 1, 1, 2, 2, 3)))]
            if h.village_id in campaign and rng.random() < 0.6:
                days.append(rng.randint(0, CAMPAIGN_DAYS))  # visited again during the running campaign
            for ago in days:
                day = today - dt.timedelta(days=ago)
                others = ["steward", "elder", "police", "mediator"]
                visitor = worker if rng.random() < 0.7 else people[rng.choice(others)]
                if rng.random() < 0.03:
                    rows.append(self._visit(h, day, visitor, Finding.CONCERN, rng.choice(CONCERNS), account))
                else:
                    rows.append(self._visit(h, day, visitor, Finding.NOTHING, rng.choice(NOTES), account))
        return rows

    def _visit(self, h, day, visitor, finding, note, account, case=None):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(17, self.rng.randint(0, 59))))
        return HouseholdVisit(
            household=h, visited_on=day, visitor=visitor, finding=finding, note=note, case=case, recorded_by=account,
            recorded_at=min(at, timezone.now()), grid_id=h.grid_id, village_id=h.village_id, centre=self.centre,
        )

    def ledger(self, disputes):
        visits = {
            v.case_id: v for v in HouseholdVisit.objects.filter(centre=self.centre, case__in=disputes)
        }
        rows = []
        for case in disputes:
            kind = KIND_OF_CATEGORY.get(case.category.name, DisputeKind.OTHER)
            if kind == DisputeKind.OTHER and "赔偿" in case.request:
                kind = DisputeKind.DAMAGE
            risk = self.rng.choices([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH], [60, 32, 8])[0]
            rows.append(DisputeRecord(
                case=case, dispute_kind=kind, risk_level=risk, mediator=self.visitors[case.village_id]["mediator"],
                found_on=timezone.localdate(case.received_at), source_visit=visits.get(case.pk),
            ))
        DisputeRecord.objects.bulk_create(rows)

    # Campaigns.
    def campaigns(self):
        chosen, year = self.campaign_villages, self.today.year
        do_create_campaign(
            self.director, name=f"{year}年冬季矛盾纠纷大排查、大起底、大化解专项行动",
            starts_on=self.today - dt.timedelta(days=CAMPAIGN_DAYS), ends_on=self.today + dt.timedelta(days=45),
            villages=chosen,
            target_coverage=95, target_resolution=90,
            description="各村（社区）网格员、红管家、五老全覆盖入户走访，矛盾纠纷早发现、早登记、早化解；"
                        "高风险纠纷当日上报，七日内组织调解。",
        )
        spring = self.today - dt.timedelta(days=300)
        do_create_campaign(
            self.director, name="春节前矛盾纠纷排查化解专项行动", starts_on=spring,
            ends_on=spring + dt.timedelta(days=40), villages=self.villages, target_coverage=80, target_resolution=85,
        )

    # Key people.
    def key_people(self):
        rng = self.rng
        mediator_account = User.objects.filter(username="mediator").first()
        dongling = next((v for v in self.villages if v.name == "东岭村"), self.villages[0])
        places = [dongling, dongling, dongling] + rng.sample(self.villages, 9)
        for i, village in enumerate(places):
            _label, group, reason, interval = KEY_PEOPLE[i % len(KEY_PEOPLE)]
            people = self.visitors[village.pk]
            responsible = people["mediator"] if group in (KeyPerson.Group.PETITIONER, KeyPerson.Group.CORRECTION) \
                else next(iter(people["workers"].values()))
            listed_on = self.today - dt.timedelta(days=rng.randint(120, 330))
            person = do_list_key_person(
                self.director, village=village, name=person_name(rng, rng.random() < 0.7), group=group, reason=reason,
                interval_days=interval, responsible=responsible, listed_on=listed_on,
            )
            # The first of 东岭村's is overdue: its last visit was longer ago than its interval, and then some.
            stop = self.today - dt.timedelta(days=interval + 12 if i == 0 else rng.randint(1, interval - 2))
            day = listed_on + dt.timedelta(days=rng.randint(3, interval))
            visits = []
            while day <= stop:
                visits.append(day)
                day += dt.timedelta(days=interval - rng.randint(0, min(5, interval - 1)))
            if not visits or visits[-1] != stop:
                visits.append(stop)
            actor = mediator_account if village == dongling and mediator_account else self.director
            for day in visits:
                do_record_key_person_visit(actor, person, visited_on=day, visitor=responsible,
                                           note=rng.choice(["本人情绪稳定，生活正常", "了解近况，宣传政策，无新诉求",
                                                            "与家属沟通，落实监护和帮扶措施"]))


def figures(centre_code, today=None):
    """The grid figures of one township over the past year, as the tests and the demo's report read them."""
    today = today or timezone.localdate()
    centre = Unit.objects.get(code=centre_code)
    year_ago = today - dt.timedelta(days=365)
    visits = HouseholdVisit.objects.filter(centre=centre, visited_on__gt=year_ago, visited_on__lte=today)
    ledger = DisputeRecord.objects.filter(case__centre=centre)
    return {
        "households": Household.objects.filter(centre=centre, active=True).count(),
        "visited": visits.filter(household__active=True).values("household").distinct().count(),
        "visits": visits.count(),
        "disputes_found": ledger.filter(found_on__gt=year_ago).count(),
        "from_visits": ledger.filter(source_visit__isnull=False).count(),
        "by_status": dict(ledger.values_list("case__status").annotate(n=Count("id")).order_by()),
        "running_campaigns": Campaign.objects.filter(centre=centre, starts_on__lte=today, ends_on__gte=today).count(),
        "overdue_key_people": KeyPerson.objects.filter(centre=centre, active=True, next_visit_due__lt=today).count(),
    }

