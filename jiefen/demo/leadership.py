"""Demo data for 包案, 下访 and "1211", on top of the demo year (year.py), through the same actions.

Owning leaders on the open cases that most need one (overdue, waiting for a decision, repeat petitions), two hard
cases at different stages (one with its "1211" complete and still open, one missing parts), and leaders' visits:
one whose matter went onto an existing case as a contact, one in the second township that opened a new case.
Matters heard on visits in the demo centre never open 来访 cases there: the centre's year is pinned to the
article's 86 visits and 156 person-times (DESIGN.md §1).
"""

import datetime as dt

from django.utils import timezone

from jiefen.cases.models import Case, Category, Channel, LegalClass, Status, StatusGroup
from jiefen.leadership.models import DossierRequirement, HardCase, LeaderVisit, TaskForceMember
from jiefen.leadership.steps import (
    do_add_measure,
    do_add_task_force_member,
    do_assign_owner,
    do_designate_hard_case,
    do_provide_dossier_item,
    do_review_measure,
)
from jiefen.leadership.visits import do_add_visit_contact, do_open_case_from_visit, do_record_visit
from jiefen.org.models import Unit, User

ROLE = TaskForceMember.Role


def _at(case, days_ago, hour=10):
    """A time `days_ago` days back in office hours, but after the case's last step and not in the future."""
    now = timezone.now()
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    wanted = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    last = case.events.order_by("-at").values_list("at", flat=True).first()
    return min(max(wanted, last + dt.timedelta(minutes=20)), now)


def _head_of(unit):
    return User.objects.filter(unit=unit, is_unit_head=True, is_active=True).first() if unit else None


def seed(centre_code, other_code):
    """Owners, two hard cases and visits for the demo townships; returns how many cases it opened (one, from a
    visit)."""
    centre = Unit.objects.get(code=centre_code)
    staff = {u.username: u for u in User.objects.filter(username__in=["leader", "leader2", "director", "qs-ld1"])}
    owner, duty, director = staff["leader2"], staff["leader"], staff["director"]
    LeaderVisit.objects.filter(centre__code__in=[centre_code, other_code]).delete()  # a --reset leaves them behind
    open_cases = list(
        Case.objects.filter(centre=centre, status__in=StatusGroup.OPEN)
        .select_related("village", "responsible_unit", "centre").order_by("received_at")
    )
    petitions = [c for c in open_cases if c.kind == Case.Kind.PETITION and c.legal_class != LegalClass.ACCUSATION]
    repeat = [c for c in petitions if c.status in (Status.REREVIEW_REQUESTED, Status.REVIEW_REQUESTED)]
    complete = (repeat or petitions or [None])[0]
    difficult = next((c for c in petitions if c is not complete and c.is_group), None)
    difficult = difficult or next((c for c in petitions if c is not complete and c.status == Status.IN_HANDLING), None)

    owned = set()

    def own(case, leader, days_ago):
        if case is not None and (case.pk, leader.pk) not in owned:
            do_assign_owner(director, case, leader=leader, at=_at(case, days_ago))
            owned.add((case.pk, leader.pk))

    today = timezone.localdate()
    for case in [c for c in open_cases if c.next_due_on and c.next_due_on < today][:3]:
        own(case, owner, 6)
    own(next((c for c in open_cases if c.status == Status.REGISTERED), None), owner, 0)
    others = [c for c in open_cases if c not in (complete, difficult) and not any(k[0] == c.pk for k in owned)]
    for case, leader in zip(others[:2], [duty, staff["qs-ld1"]]):
        own(case, leader, 4)

    if complete is not None:
        _complete_hard_case(complete, owner, duty, director, own)
    if difficult is not None:
        _hard_case_missing_parts(difficult, owner, director, own)
    return _visits(centre, other_code, owner, duty, complete)


def _complete_hard_case(case, owner, duty, director, own):
    """积案 with all of "1211" in place, still open: the review is pending."""
    do_designate_hard_case(
        director, case, expected_version=case.version, kind=HardCase.Kind.BACKLOG, at=_at(case, 20),
        reason="信访人就同一事项多次来信来访，已申请复查（复核），情绪对立，列为信访积案落实“1211”。",
    )
    own(case, owner, 20)
    own(case, duty, 20)
    head = _head_of(case.responsible_unit)
    members = [(owner, "", ROLE.HEAD, "牵头化解，每周听取进展"), (head, "", ROLE.MEMBER, "核实事实，整理材料")]
    members += [
        (None, "王德福（五老，退休教师）", ROLE.MEMBER, "上门做思想疏导"),
        (None, "镇司法所 法律顾问", ROLE.LIAISON, "释法明理"),
    ]
    for person, name, role, duty_text in members:
        if person is not None or name:
            do_add_task_force_member(owner, case, person=person, name=name, role=role, duty=duty_text, at=_at(case, 19))
    at = _at(case, 18)
    do_add_measure(owner, case, text="重要时间节点前上门走访，掌握思想动态", person=head or owner,
                   review_on=timezone.localdate(at) + dt.timedelta(days=7), at=at)
    # Its review date has passed: the owner's page lists it as due.
    at = _at(case, 18)
    do_add_measure(owner, case, text="包案领导每月约谈一次，当面反馈办理进展", person=owner,
                   review_on=max(timezone.localdate(at), timezone.localdate() - dt.timedelta(days=3)), at=at)
    first = case.hard_case.measures.order_by("id").first()
    do_review_measure(owner, case, measure=first, note="已上门两次，信访人情绪平稳，表示等待复查结果", done=True,
                      at=_at(case, 3))
    for i, requirement in enumerate(DossierRequirement.objects.filter(active=True)):
        do_provide_dossier_item(director, case, requirement=requirement, note=f"纸质件存档于档案室 第{i + 1}册",
                                at=_at(case, 2))


def _hard_case_missing_parts(case, owner, director, own):
    """疑难复杂 just designated: one owner, a task force of one, no measures yet, part of the dossier."""
    do_designate_hard_case(
        director, case, expected_version=case.version, kind=HardCase.Kind.DIFFICULT, at=_at(case, 5),
        reason="涉及人数多、政策性强，需多部门协同化解，列为疑难复杂信访事项。",
    )
    own(case, owner, 5)
    do_add_task_force_member(owner, case, person=owner, role=ROLE.HEAD, duty="牵头协调相关部门", at=_at(case, 4))
    for requirement in DossierRequirement.objects.filter(active=True)[:3]:
        do_provide_dossier_item(director, case, requirement=requirement, note="已归档", at=_at(case, 4))


def _visits(centre, other_code, owner, duty, hard_case):
    """Three visits in the centre (one adds a contact to the hard case) and one in the second township."""
    villages = {u.name: u for u in Unit.objects.filter(parent=centre, kind=Unit.Kind.VILLAGE)}
    today = timezone.localdate()
    if hard_case is not None and hard_case.village_id and hard_case.channel != Channel.VISIT:
        day = max(today - dt.timedelta(days=9), timezone.localdate(hard_case.received_at))
        visit = do_record_visit(
            owner,
            leader=owner,
            visited_on=day,
            village=hard_case.village,
            head_count=6,
            people_met="村两委班子、信访人及其家属、村民代表",
            matters=f"信访人再次反映：{hard_case.request}；另有村民反映村道照明不足。",
        )
        do_add_visit_contact(
            owner, visit, hard_case, head_count=2, note="包案领导当面听取信访人及其妻子反映，告知复查进展"
        )
    for leader, name, days, head_count, met, matters in [
        (
            duty,
            "东岭村",
            5,
            12,
            "村两委干部、网格员、群众代表",
            "村道破损、灌溉渠淤堵；现场答复：村道纳入明年村庄整治计划，渠道由村里组织清淤。",
        ),
        (
            owner,
            "上塘村",
            16,
            8,
            "征地农户代表",
            "青山中学扩建工程征地补偿进度；现场解释补偿款拨付流程，约定两周内反馈。",
        ),
    ]:
        village = villages.get(name)
        if village is not None:
            do_record_visit(leader, leader=leader, visited_on=today - dt.timedelta(days=days), village=village,
                            head_count=head_count, people_met=met, matters=matters)
    other = Unit.objects.get(code=other_code)
    other_leader = User.objects.filter(unit=other, role="leader").order_by("id").first()
    other_village = Unit.objects.filter(parent=other, kind=Unit.Kind.VILLAGE).order_by("sort").first()
    if other_leader is None or other_village is None:
        return 0
    visit = do_record_visit(
        other_leader, leader=other_leader, visited_on=today - dt.timedelta(days=3), village=other_village,
        head_count=4, people_met="村民代表4人", matters="反映石材厂运输车辆抛洒、扬尘严重。",
    )
    do_open_case_from_visit(
        other_leader, visit, kind=Case.Kind.PETITION, legal_class=LegalClass.CLAIM,
        category=Category.objects.filter(name="环境保护").first() or Category.objects.first(),
        request="要求整治石材厂运输车辆抛洒、扬尘问题", facts="运输车辆未加盖篷布，沿途抛洒，晴天扬尘严重。",
        party={"name": "方国平", "phone": "13905712345", "address": f"{other_village.name}3组"}, head_count=4,
    )
    return 1
