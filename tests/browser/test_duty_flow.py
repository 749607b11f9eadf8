"""The roster in a real browser: the director generates next month, a leader swaps a shift, the desk records it."""

import pytest
from django.utils import timezone

from jiefen.cases.models import Case
from jiefen.duty.models import DutyShift
from jiefen.duty.queries import add_months
from jiefen.duty.services import today_leader
from jiefen.org.models import Role

from ..factories import VALID_IDS, build_org, build_personas, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    org = build_org()
    people = build_personas(org)
    people["deputy"] = person("deputy", Role.LEADER, org["town"], "刘副镇长", phone="13912345678")
    return org, people


def test_a_roster_is_generated_swapped_and_followed_at_the_desk(world, browser, login_page, live_server, shoot):
    org, people = world
    leader, deputy = people["leader"], people["deputy"]
    today = timezone.localdate()
    year, month = add_months(today.year, today.month, 1)

    # The director generates next month's roster over the two leaders (the form's defaults).
    director = login_page(people["director"])
    director.click("nav.mainnav >> text=值班表")
    director.click("#generate-roster")
    assert director.input_value("input[name=month]") == f"{year}-{month:02d}"
    assert director.is_checked(f"input[name=leaders][value='{leader.pk}']")
    assert director.is_checked(f"input[name=leaders][value='{deputy.pk}']")
    assert not director.is_checked(f"input[name=leaders][value='{people['director'].pk}']")
    shoot(director, "duty-01-generate-form")
    director.click("#submit-generate")
    director.wait_for_url(f"**/duty/?month={year}-{month:02d}")
    assert f"已生成{year}年{month}月值班表" in director.inner_text(".messages")
    shifts = DutyShift.objects.filter(centre=org["town"], date__year=year, date__month=month).order_by("date")
    assert shifts.count() > 15 and {s.leader for s in shifts} == {leader, deputy}
    assert director.locator("#duty-calendar td.has-shift").count() == shifts.count()
    shoot(director, "duty-02-next-month-generated")

    # Today is put on the roster by hand (whatever day of the week the test runs): 李书记 receives visitors.
    director.goto(f"{live_server.url}/duty/day/{today:%Y-%m-%d}/")
    director.select_option("select[name=leader]", label=leader.full_name)
    director.fill("input[name=note]", "上午在中心接访室")
    shoot(director, "duty-03-edit-today")
    director.click("#submit-edit")
    director.wait_for_url("**/duty/?month=*")
    assert today_leader(org["town"]) == leader

    # 李书记 has to attend a county meeting today and swaps with 刘副镇长's first shift next month.
    theirs = shifts.filter(leader=deputy).first()
    chair = login_page(leader, viewport={"width": 390, "height": 844})
    gaps = chair.locator("#duty-gaps")
    assert "值班缺口" in gaps.inner_text() and f"今日值班领导：{leader.full_name}" in gaps.inner_text()
    shoot(chair, "duty-04-leader-home-phone")
    chair.goto(f"{live_server.url}/duty/")
    cell = chair.locator(f"#duty-calendar td[data-date='{today:%Y-%m-%d}']")
    assert leader.full_name in cell.inner_text()
    shoot(chair, "duty-05-leader-calendar-phone")
    cell.locator("text=调班").click()
    chair.select_option("select[name=other]", value=str(theirs.pk))
    chair.fill("input[name=reason]", "今日赴县信访局参加联席会议")
    shoot(chair, "duty-06-swap-form-phone")
    chair.click("#submit-swap")
    chair.wait_for_url("**/duty/?month=*")
    assert "已调班" in chair.inner_text(".messages")
    assert "今日赴县信访局参加联席会议" in chair.inner_text(".duty-side")
    assert today_leader(org["town"]) == deputy
    theirs.refresh_from_db()
    assert theirs.leader == leader
    shoot(chair, "duty-07-swapped-phone")

    # The clerk registers a walk-in; the desk names today's duty leader and records them on the case.
    clerk = login_page(people["clerk"])
    assert clerk.url.endswith("/desk/")
    assert f"今日值班领导：{deputy.full_name}" in clerk.inner_text("#duty-today")
    assert clerk.locator("select[name=receiving_leader] option:checked").inner_text() == deputy.full_name
    clerk.check("input[name=channel][value=visit]")
    clerk.select_option("select[name=category]", label="劳动工资")
    clerk.select_option("select[name=village]", label="东村")
    clerk.fill("textarea[name=request]", "要求镇东工地结清拖欠的两个月工资")
    clerk.fill("#id_party-0-name", "陈大山")
    clerk.fill("#id_party-0-id_number", VALID_IDS[0])
    shoot(clerk, "duty-08-desk-duty-leader")
    clerk.click("#submit-intake")
    clerk.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert case.receiving_leader == deputy
    assert case.contacts.get().receiving_leader == deputy
    assert f"接待：{deputy.full_name}" in clerk.inner_text("main")
    shoot(clerk, "duty-09-case-received-by-duty-leader")

    # The public reception schedule, without logging in: names and dates only, on a phone too.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        public = context.new_page()
        public.goto(f"{live_server.url}/public/duty/{org['town'].code}/?month={year}-{month:02d}")
        text = public.inner_text("main")
        assert leader.full_name in text and deputy.full_name in text and "13912345678" not in text
        shoot(public, "duty-10-public-schedule-phone")
    finally:
        context.close()
