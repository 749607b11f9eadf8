"""The person behind the cases, at the desk on a phone (issue 13): someone whose matter was 终结 calls again, the desk
shows the earlier case and its 终结, the return is registered as a call and the figures count it as one; a group of
seven visitors without representatives is refused; the person's page shows both cases."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.cases.models import Case, Channel, Status
from jiefen.figures import queries as figures

from ..factories import VALID_IDS, build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_return_after_finality_by_phone_and_a_group_without_representatives(
    transactional_db, login_page, live_server, shoot
):
    org = build_org()
    people = build_personas(org)
    earlier = register(people["clerk"], village=org["village_a"], request="要求落实东村三组土地征收补偿款",
                       received_at=timezone.now() - dt.timedelta(days=200),
                       parties=[{"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000"}])
    Case.objects.filter(pk=earlier.pk).update(status=Status.FINAL)  # decided by 复核 long ago

    clerk = login_page(people["clerk"], viewport=PHONE)
    clerk.goto(f"{live_server.url}/desk/")
    clerk.check("input[name=channel][value=call]")
    clerk.select_option("select[name=category]", label="劳动工资")
    clerk.select_option("select[name=village]", label="东村")
    clerk.fill("textarea[name=request]", "再次要求落实东村三组土地征收补偿款")
    clerk.fill("#id_party-0-name", "陈大山")
    clerk.fill("#id_party-0-id_number", VALID_IDS[0])
    clerk.click("#submit-intake")
    clerk.wait_for_load_state()
    flagged = clerk.inner_text("#final-repeats")
    assert earlier.number in flagged and "已终结" in flagged
    shoot(clerk, "repeat-01-final-flagged-phone")
    clerk.click("button:has-text('登记为终结后重复信访')")
    clerk.wait_for_url("**/cases/*/")
    again = Case.objects.exclude(pk=earlier.pk).get()
    assert again.final_repeat_of == earlier and again.channel == Channel.CALL
    assert again.contacts.get().channel == Channel.CALL
    shoot(clerk, "repeat-02-registered-as-call-phone")

    # The figures count it as a call, not as a visit.
    today = timezone.localdate()
    calls = figures.figures_for(people["leader"], today, today, channel=Channel.CALL)
    visits = figures.figures_for(people["leader"], today, today, channel=Channel.VISIT)
    persons = {f["code"]: f["value"] for f in calls["figures"]}["persons"]
    assert persons == 1 and {f["code"]: f["value"] for f in visits["figures"]}["persons"] == 0

    # The person's page shows both cases, the earlier one 终结.
    clerk.goto(f"{live_server.url}/cases/{again.number}/")
    clerk.click("text=查看此人全部信访记录")
    clerk.wait_for_load_state()
    page = clerk.inner_text("main")
    assert earlier.number in page and again.number in page and "终结" in page
    shoot(clerk, "repeat-03-person-page-phone")

    # Seven visitors with no representative named: refused, nothing registered.
    clerk.goto(f"{live_server.url}/desk/")
    clerk.check("input[name=channel][value=visit]")
    clerk.select_option("select[name=category]", label="劳动工资")
    clerk.fill("input[name=head_count]", "7")
    clerk.fill("textarea[name=request]", "七人反映工地拖欠工资")
    clerk.fill("#id_party-0-name", "林小河")
    clerk.click("#submit-intake")
    clerk.wait_for_load_state()
    assert "7人走访提出共同的信访事项，应当推选代表" in clerk.inner_text("main")
    assert Case.objects.count() == 2
    shoot(clerk, "repeat-04-group-refused-phone")
