"""Early warning (预警, issue 13 point 4): the rules, the stored grades and their refresh, the notification on a
rise, the leadership's acknowledgement (已研判), the warning list and the case page's badge."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.access import cases_for
from jiefen.cases.models import Case, Category, Event, LegalClass, Party
from jiefen.cases.steps import do_accept_case, do_assign_case, do_not_accept_case, do_sign_for_case
from jiefen.cases.steps.closing import do_record_contact
from jiefen.cases.steps.mediation import do_record_mediation_failure
from jiefen.grid.actions import do_list_key_person
from jiefen.leadership.steps import do_assign_owner
from jiefen.notify.models import Notification
from jiefen.org.models import Role
from jiefen.warning import queries
from jiefen.warning.actions import cases_to_refresh, refresh
from jiefen.warning.models import Grade, RiskAcknowledgement, RiskAssessment, SensitivePeriod, WarningRule
from jiefen.warning.rules import evaluate

from .factories import VALID_IDS, county_clerk, hand_down, person, register

TODAY = dt.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def rules(db):
    """The seeded rules (put back after a test that flushed them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("jiefen.warning.migrations.0002_seed_rules").seed(apps, None)


def visit(user, *, head_count=1, **extra):
    """A visit of `head_count` people; a group names its representative (信访工作条例 第二十条)."""
    if head_count >= 5:
        extra.setdefault("parties", [{"name": "陈大山", "id_number": VALID_IDS[0], "role": Party.Role.REPRESENTATIVE}])
    return register(user, head_count=head_count, **extra)


def assessment(case):
    return RiskAssessment.objects.get(case=case)


def refresh_all(today=None):
    return refresh(cases_to_refresh(), today or timezone.localdate())


def alarm_notes():
    return Notification.objects.filter(dedupe_key__startswith="warning:")


# ---- one test per rule kind, matched and not ---------------------------------------------------------------------


def test_a_group_of_five_is_an_orange_warning(people, org):
    case = visit(people["clerk"], head_count=5, village=org["village_a"])
    assert evaluate(case, TODAY) == (Grade.ORANGE, ["集体访：单次来访5人"])


def test_a_single_visitor_raises_no_warning(people, org):
    assert evaluate(visit(people["clerk"], village=org["village_a"]), TODAY) == (Grade.GREEN, [])


def test_three_contacts_within_thirty_days_are_a_yellow_warning(people, org):
    case = visit(people["clerk"])
    do_record_contact(people["clerk"], case, channel="visit")
    do_record_contact(people["clerk"], case, channel="call")
    grade, reasons = evaluate(case, timezone.localdate())
    assert grade == Grade.YELLOW and reasons == ["近30日内来访（来电）3次"]


def test_contacts_older_than_the_window_do_not_count(people, org):
    WarningRule.objects.exclude(kind="repeat_contacts").update(active=False)  # its clocks are long overdue
    long_ago = timezone.now() - dt.timedelta(days=40)
    with time_machine.travel(long_ago, tick=False):
        case = visit(people["clerk"])
        do_record_contact(people["clerk"], case, channel="visit")
        do_record_contact(people["clerk"], case, channel="call")
    assert evaluate(case, timezone.localdate()) == (Grade.GREEN, [])
    assert evaluate(case, timezone.localdate(long_ago))[0] == Grade.YELLOW


def test_an_item_handed_down_from_above_is_a_lawful_higher_level_warning(people, org):
    case = hand_down(county_clerk(org), org["town"])
    grade, reasons = evaluate(case, timezone.localdate())
    assert grade == Grade.YELLOW
    assert "越级反映" in reasons[0] and "转回责任单位依法办理" in reasons[0]
    assert "拦截" not in reasons[0]


def test_a_walk_in_is_no_higher_level_matter(people, org):
    assert evaluate(visit(people["clerk"], village=org["village_a"]), TODAY)[0] == Grade.GREEN


def test_a_party_on_the_key_person_register_is_an_orange_warning(people, org):
    do_list_key_person(people["leader"], village=org["village_a"], name="陈大山", group="petitioner", reason="多年信访")
    case = visit(people["clerk"], village=org["village_a"])
    assert evaluate(case, TODAY) == (Grade.ORANGE, ["当事人陈大山为重点人员（信访老户）"])


def test_the_same_name_in_another_village_is_not_a_key_person(people, org):
    do_list_key_person(people["leader"], village=org["village_b"], name="陈大山", group="petitioner", reason="多年信访")
    assert evaluate(visit(people["clerk"], village=org["village_a"]), TODAY)[0] == Grade.GREEN


def test_a_deadline_near_is_blue_and_a_deadline_passed_is_orange(people, org):
    case = Case.objects.get(pk=visit(people["clerk"]).pk)
    due = case.next_due_on
    assert evaluate(case, due - dt.timedelta(days=10)) == (Grade.GREEN, [])
    assert evaluate(case, due - dt.timedelta(days=2)) == (Grade.BLUE, [f"办理期限临近（{due:%Y-%m-%d}截止）"])
    late = evaluate(case, due + dt.timedelta(days=4))
    assert late == (Grade.ORANGE, [f"已超过办理期限4天（{due:%Y-%m-%d}截止）"])


def test_an_open_case_in_a_sensitive_period_is_a_yellow_warning(people, org):
    SensitivePeriod.objects.create(name="全国两会", starts_on=TODAY - dt.timedelta(days=2), ends_on=TODAY)
    case = visit(people["clerk"])
    assert evaluate(case, TODAY) == (Grade.YELLOW, ["正值敏感时期（全国两会），案件尚未办结"])
    assert evaluate(case, TODAY + dt.timedelta(days=1))[0] == Grade.GREEN


def test_a_dispute_whose_mediation_failed_twice_is_red(people, org):
    case = register(
        people["clerk"], village=org["village_a"], kind=Case.Kind.DISPUTE,
        category=Category.objects.get(name="邻里纠纷"), request="院墙越界",
        parties=[{"name": "陈大山", "id_number": VALID_IDS[0]},
                 {"name": "李小河", "id_number": VALID_IDS[1], "role": Party.Role.RESPONDENT}],
    )
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    do_sign_for_case(people["handler"], case, expected_version=case.version)
    do_record_mediation_failure(people["mediator"], case, expected_version=case.version, reason="对方拒绝")
    assert evaluate(case, timezone.localdate())[0] == Grade.GREEN
    # A second failure after mediation resumed (no step resumes it yet): as the timeline of an older case holds it.
    Event.objects.create(case=case, kind="mediation_failed", at=timezone.now(), summary="调解不成")
    assert evaluate(case, timezone.localdate()) == (Grade.RED, ["调解不成2次，矛盾有激化风险"])


# ---- the grade ---------------------------------------------------------------------------------------------------


def test_the_grade_is_the_most_severe_matched_with_every_reason_most_severe_first(people, org):
    SensitivePeriod.objects.create(name="国庆", starts_on=TODAY, ends_on=TODAY)
    do_list_key_person(people["leader"], village=org["village_a"], name="陈大山", group="petitioner", reason="多年信访")
    grade, reasons = evaluate(visit(people["clerk"], village=org["village_a"]), TODAY)
    assert grade == Grade.ORANGE
    assert reasons == ["当事人陈大山为重点人员（信访老户）", "正值敏感时期（国庆），案件尚未办结"]


def test_an_inactive_rule_raises_nothing(people, org):
    WarningRule.objects.filter(kind="group_size").update(active=False)
    assert evaluate(visit(people["clerk"], head_count=8), TODAY)[0] == Grade.GREEN


def test_a_closed_case_is_green(people, org):
    case = visit(people["clerk"], head_count=8)
    do_not_accept_case(people["leader"], case, expected_version=case.version, reason="属于劳动争议",
                       lawful_channel="向劳动人事争议仲裁委员会申请仲裁")
    case.refresh_from_db()
    assert evaluate(case, TODAY) == (Grade.GREEN, [])


# ---- the refresh and the notification ----------------------------------------------------------------------------


def test_the_refresh_costs_the_same_queries_for_two_cases_or_six(people, org):
    SensitivePeriod.objects.create(name="两会", starts_on=TODAY, ends_on=TODAY)
    for _ in range(2):
        visit(people["clerk"], village=org["village_a"])
    with CaptureQueriesContext(connection) as few:
        assert refresh_all(TODAY).assessed == 2
    RiskAssessment.objects.all().delete()
    for _ in range(4):
        visit(people["clerk"], village=org["village_b"])
    with CaptureQueriesContext(connection) as more:
        assert refresh_all(TODAY).assessed == 6
    assert len(more) == len(few)
    assert set(RiskAssessment.objects.values_list("grade", flat=True)) == {Grade.YELLOW}


def test_a_case_closed_since_turns_green_on_the_refresh(people, org):
    case = visit(people["clerk"], head_count=6)
    refresh_all()
    do_not_accept_case(people["leader"], case, expected_version=case.version, reason="属于劳动争议",
                       lawful_channel="向劳动人事争议仲裁委员会申请仲裁")
    refresh_all()
    assert assessment(case).grade == Grade.GREEN and assessment(case).reasons == []


def test_the_leadership_is_told_once_when_a_case_rises_to_orange_and_again_when_it_rises_to_red(people, org):
    case = visit(people["clerk"], head_count=6)
    refresh_all(TODAY)
    assert sorted(n.recipient.username for n in alarm_notes()) == ["director", "leader"]
    assert case.number in alarm_notes().first().title and "橙色" in alarm_notes().first().title
    refresh_all(TODAY)
    refresh_all(TODAY + dt.timedelta(days=1))  # still orange: no rise, nothing new
    assert alarm_notes().count() == 2
    WarningRule.objects.create(kind="group_size", name="大规模集体访", threshold=10, grade=Grade.RED,
                               reason="大规模集体访：{n}人")
    do_record_contact(people["clerk"], case, channel="visit", head_count=12)
    refresh_all(TODAY + dt.timedelta(days=1))
    assert alarm_notes().count() == 4
    assert assessment(case).grade == Grade.RED


def test_a_yellow_warning_tells_nobody(people, org):
    SensitivePeriod.objects.create(name="两会", starts_on=TODAY, ends_on=TODAY)
    visit(people["clerk"])
    refresh_all(TODAY)
    assert not alarm_notes().exists()


def test_the_command_refreshes_every_township(people, org):
    visit(people["clerk"], head_count=5)
    visit(people["outsider"], head_count=5)
    call_command("refresh_warnings")
    assert RiskAssessment.objects.filter(grade=Grade.ORANGE).count() == 2


# ---- acknowledgement (已研判) ---------------------------------------------------------------------------------------


def ack_url(case):
    return reverse("warning:acknowledge", args=[case.number])


@pytest.fixture
def orange(people, org):
    case = visit(people["clerk"], head_count=6, village=org["village_a"])
    refresh_all()
    return case


def test_a_leader_acknowledges_a_warning_with_measures_and_it_is_audited(client, people, orange):
    client.force_login(people["leader"])
    measures = "已约谈信访人代表，明日由包案领导接访"
    response = client.post(ack_url(orange), {"measures": measures})
    assert response.status_code == 302
    ack = RiskAcknowledgement.objects.get(case=orange)
    assert (ack.grade, ack.by, ack.measures) == (Grade.ORANGE, people["leader"], measures)
    assert assessment(orange).acknowledged == ack
    audit = AuditRecord.objects.get(action="warning.acknowledge")
    assert audit.actor == people["leader"] and audit.object_ref == orange.number
    assert audit.details == {"grade": Grade.ORANGE, "measures_len": len(measures)}


def test_an_acknowledgement_without_measures_is_refused_and_writes_nothing(client, people, orange):
    client.force_login(people["director"])
    response = client.post(ack_url(orange), {"measures": "  "})
    assert response.status_code == 400
    assert "请填写研判意见和措施" in response.content.decode()
    assert not RiskAcknowledgement.objects.exists()
    assert not AuditRecord.objects.filter(action="warning.acknowledge").exists()


def test_a_case_without_a_warning_cannot_be_acknowledged(client, people, org):
    case = visit(people["clerk"])
    refresh_all()
    client.force_login(people["leader"])
    response = client.post(ack_url(case), {"measures": "无"})
    assert response.status_code == 400 and "没有预警" in response.content.decode()
    assert not RiskAcknowledgement.objects.exists()


@pytest.mark.parametrize("persona, status", [("clerk", 403), ("handler", 403), ("supervisor", 403)])
def test_only_the_leadership_may_acknowledge(client, people, orange, persona, status):
    client.force_login(people[persona])
    assert client.post(ack_url(orange), {"measures": "已研判"}).status_code == status
    assert not RiskAcknowledgement.objects.exists()


def test_the_leadership_of_another_township_gets_404(client, people, org, orange):
    client.force_login(person("other_leader", Role.LEADER, org["other_town"]))
    assert client.post(ack_url(orange), {"measures": "已研判"}).status_code == 404
    assert not RiskAcknowledgement.objects.exists()


def test_anonymous_is_sent_to_log_in(client, orange):
    response = client.post(ack_url(orange), {"measures": "已研判"})
    assert response.status_code == 302 and "login" in response.url


def test_an_acknowledgement_stands_until_the_grade_rises_above_it(client, people, orange):
    client.force_login(people["leader"])
    client.post(ack_url(orange), {"measures": "已安排专人稳控"})
    refresh_all(timezone.localdate() + dt.timedelta(days=1))
    assert assessment(orange).acknowledged is not None
    WarningRule.objects.create(kind="group_size", name="大规模集体访", threshold=6, grade=Grade.RED, reason="{n}人")
    refresh_all(timezone.localdate() + dt.timedelta(days=1))
    assert assessment(orange).grade == Grade.RED and assessment(orange).acknowledged is None


def test_a_warning_falling_below_its_acknowledgement_keeps_it(client, people, orange):
    client.force_login(people["leader"])
    client.post(ack_url(orange), {"measures": "已安排专人稳控"})
    WarningRule.objects.filter(kind="group_size").update(grade=Grade.YELLOW)
    refresh_all()
    assert assessment(orange).grade == Grade.YELLOW and assessment(orange).acknowledged is not None


# ---- the warning list ----------------------------------------------------------------------------------------------


def page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("warning:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_the_badge_reasons_and_who_acknowledged(client, people, orange):
    RiskAcknowledgement.objects.all().delete()
    text = page(client, people["leader"])
    assert orange.number in text and "橙色预警" in text and "集体访：单次来访6人" in text
    assert ack_url(orange) in text  # the leadership may study it
    client.post(ack_url(orange), {"measures": "已安排专人稳控"})
    text = page(client, people["director"])
    assert "已研判（橙色）：李书记" in text and "已安排专人稳控" in text


def test_another_townships_warnings_never_appear(client, people, org, orange):
    foreign = visit(people["outsider"], head_count=7)
    refresh_all()
    other_leader = person("other_leader", Role.LEADER, org["other_town"])
    text = page(client, other_leader)
    assert foreign.number in text and orange.number not in text
    assert foreign.number not in page(client, people["leader"])


def test_the_accused_side_never_sees_an_accusation_warning(client, people, org):
    accusation = visit(people["clerk"], head_count=6, legal_class=LegalClass.ACCUSATION, accused_unit=org["village_a"])
    refresh_all()
    assert assessment(accusation).grade == Grade.ORANGE
    assert not queries.warnings_for(people["handler"]).filter(case=accusation).exists()
    assert accusation not in cases_for(people["handler"])
    client.force_login(people["handler"])
    assert client.get(reverse("warning:list")).status_code == 403


@pytest.mark.parametrize("persona", ["clerk", "handler", "mediator", "supervisor"])
def test_only_the_leadership_reads_the_list(client, people, persona):
    client.force_login(people[persona])
    assert client.get(reverse("warning:list")).status_code == 403


def test_the_list_filters_by_grade_village_owner_and_pending(client, people, org):
    SensitivePeriod.objects.create(name="两会", starts_on=timezone.localdate(), ends_on=timezone.localdate())
    east = visit(people["clerk"], head_count=6, village=org["village_a"])  # orange
    west = visit(people["clerk"], village=org["village_b"])  # yellow (the period)
    do_assign_owner(people["director"], west, leader=people["leader"])
    refresh_all()
    leader = people["leader"]
    by_grade = page(client, leader, grade=Grade.ORANGE)
    assert east.number in by_grade and west.number not in by_grade
    by_village = page(client, leader, village=org["village_b"].pk)
    assert west.number in by_village and east.number not in by_village
    by_owner = page(client, leader, owner=leader.pk)
    assert west.number in by_owner and east.number not in by_owner and "包案 李书记" in by_owner
    client.post(ack_url(east), {"measures": "已安排"})
    pending = page(client, leader, pending="on")
    assert west.number in pending and east.number not in pending


def test_the_list_reads_in_the_same_queries_for_two_warnings_or_eight(client, people, org):
    leader = people["leader"]
    client.force_login(leader)

    def queries_for_page(n):
        for _ in range(n):
            case = visit(people["clerk"], head_count=5, village=org["village_a"])
            do_assign_owner(people["director"], case, leader=leader)
        refresh_all()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("warning:list")).status_code == 200
        return len(ctx)

    assert queries_for_page(2) == queries_for_page(6)


def test_the_menu_offers_the_warning_list_to_the_leadership_only(client, people):
    assert ">预警研判</a>" in page(client, people["leader"])
    client.force_login(people["clerk"])
    assert ">预警研判</a>" not in client.get(reverse("case_list")).content.decode()


# ---- the case page and the leader's home ---------------------------------------------------------------------------


def test_the_case_page_shows_the_badge_and_reasons_to_the_leadership(client, people, orange):
    client.force_login(people["leader"])
    text = client.get(reverse("case_detail", args=[orange.number])).content.decode()
    assert 'id="risk"' in text and "橙色预警" in text and "集体访：单次来访6人" in text and "未研判" in text


def test_the_case_page_shows_no_badge_to_a_handler(client, people, org, orange):
    do_accept_case(people["leader"], orange, expected_version=orange.version)
    do_assign_case(people["leader"], orange, expected_version=orange.version, unit=org["village_a"])
    client.force_login(people["handler"])
    response = client.get(reverse("case_detail", args=[orange.number]))
    assert response.status_code == 200 and 'id="risk"' not in response.content.decode()


def test_the_leaders_home_lists_red_and_orange_warnings_not_yet_studied(client, people, orange):
    client.force_login(people["leader"])
    text = client.get(reverse("home")).content.decode()
    assert 'id="warnings"' in text and orange.number in text
    client.post(ack_url(orange), {"measures": "已安排专人稳控"})
    text = client.get(reverse("home")).content.decode()
    assert "没有待研判的红色、橙色预警" in text
