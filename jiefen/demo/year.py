"""The demo year of one township: `Planner` decides every case and the dated steps it takes before anything is
written; `write` registers each planned case and takes its steps through the action functions, dated back with
`at=`, so timelines, statutory clocks and audit rows are what the desk would have written.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from jiefen.cases.actions import ActionError, do_case_action, do_record_contact, do_register_case
from jiefen.cases.models import Case, Channel, Party
from jiefen.clocks.calendar import WorkCalendar, compute_due
from jiefen.org.models import Unit, User

from . import DemoError
from .matters import (
    ACCUSATION_DEPT,
    ACCUSATION_VILLAGE,
    BUS_STOP,
    COMPANIES,
    CONTRACT_AREA,
    DEMOLITION,
    DIBAO,
    DISPUTES,
    DOGS,
    ELEVATOR,
    FISHPOND,
    FORWARDED,
    HOMESTEAD,
    LAND_GROUP,
    LAND_PUBLISH,
    NOISE,
    NOT_ACCEPTED,
    NOTES,
    PENSION,
    PETITIONS,
    PIG_FARM,
    PROJECTS,
    REVIEW_NOTICE,
    ROAD,
    SESSION_NOTES,
    WAGE,
    WAGE_GROUP,
    WATER,
    Matter,
)
from .people import CLANS, ESTATES, LOCAL_REGIONS, MIGRANT_REGIONS, PHONE_PREFIXES, id_number, person_name
from .township import VISIT_CASES, VISIT_PERSON_TIMES, Town


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
            "role": role, "name": person_name(rng, male, surname),
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
        """A written answer (drafted, signed off by a township leader, served), the review decision the county
        takes on jiefen, or the re-review decision the city served on paper, recorded at the centre; each with the
        route onward the law requires."""
        body = plan.fill(getattr(plan.matter, outcome))
        request = plan.fill(plan.matter.request)
        if action == "reply":
            text = (f"你{'们' if plan.head_count > 1 else ''}提出的“{request}”信访事项收悉。"
                    f"现答复如下：{body}{REVIEW_NOTICE}")
            plan.add(day, actor, "draft_reply", outcome=outcome, content=text)
            plan.add(day, plan.town.leader, "sign_off", approved=True)
            plan.add(day, actor, "reply", service_method="direct")
            return
        county = plan.town.unit.parent
        serial = self.rng.randint(3, 60)
        if action == "decide_review":
            organ, number = f"{county.name}人民政府", f"{county.name[:1]}政复〔{day.year}〕{serial}号"
            text = f"经复查：{body}"
        else:
            organ, number = DEMO_REREVIEW_ORGAN, f"{DEMO_REREVIEW_ORGAN[:1]}政复核〔{day.year}〕{serial}号"
            text = f"经复核：{body}同一事实和理由的信访事项不再受理。"
        decided = {"support": "vary", "explain": "uphold", "reject": "uphold"}[outcome]
        if action == "decide_review":
            actor = plan.town.county  # the county is on jiefen: its 信访局 decides, in the county government's name
        plan.add(day, actor, action, organ=organ, doc_number=number, outcome=decided, content=text)

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
                     approver=plan.town.leader)
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
                 reason="申请地块涉及村庄规划调整，需报县自然资源和规划局审核", approver=town.leader)
        # 检举控告 against a department: handled by the discipline office, never by the accused
        # (信访工作条例 第三十条第三款).
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
                plan.add(self.after(reply_on, 1, 3), worker, "close", resolved=False,
                         note="信访人对处理意见不服，表示将请求复查")
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
        plan.add(self.after(plan.received, 1, 4), town.leader, "forward", organ=organ,
                 reason="属县住房和城乡建设局职责范围")
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

# The demo county has no city above it on jiefen: its re-review decisions are recorded from the city's paper.
DEMO_REREVIEW_ORGAN = "青州市人民政府"

DATE_FIELDS = {
    "reply": "served_on", "decide_review": "served_on", "decide_rereview": "served_on",
    "request_review": "requested_on", "request_rereview": "requested_on",
    "start_hearing": "on_date", "end_hearing": "on_date", "mediation_session": "held_on", "agree": "signed_on",
}
UNVERSIONED = {"note", "document", "mediation_session", "serve_document", "return_receipt"}


class DeskClock:
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
            do_case_action(actor, case, action, at=at, **fields)
        except ActionError as e:
            raise DemoError(f"{case.number} {action} on {day}: {e.message}") from e
    return case
