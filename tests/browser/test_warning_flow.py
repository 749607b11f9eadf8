"""预警研判 on a phone (issue 13, point 4): a group visit of seven and a matter past its deadline show on the
leader's warning list with their colours and reasons; the leader studies one (已研判) with the measures taken."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case
from jiefen.warning.actions import refresh

from ..factories import build_org, build_personas, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_the_leader_studies_a_warning_on_a_phone(transactional_db, login_page, live_server, shoot):
    org = build_org()
    people = build_personas(org)
    group = register(people["clerk"], village=org["village_a"], head_count=7, request="七人反映工地拖欠工资",
                     parties=[{"name": "陈大山", "role": "representative"}])
    late = register(people["clerk"], village=org["village_b"], request="反映宅基地被占用",
                    received_at=timezone.now() - dt.timedelta(days=40))
    refresh(Case.objects.filter(pk__in=[group.pk, late.pk]))
    leader = login_page(people["leader"], viewport=PHONE)
    leader.goto(f"{live_server.url}/warnings/")
    listed = leader.inner_text("main")
    assert group.number in listed and late.number in listed
    shoot(leader, "warning-01-list-phone")
    row = f"#w-{group.number}"
    leader.click(f"{row} summary")
    leader.fill(f"{row} textarea[name=measures]", "包案领导当日接待，约谈用工单位，三日内拿出支付方案")
    leader.click(f"{row} button:has-text('已研判')")
    leader.wait_for_load_state()
    assert "已研判" in leader.inner_text(row) and "约谈用工单位" in leader.inner_text(row)
    assert AuditRecord.objects.filter(action="warning.acknowledge").count() == 1
    shoot(leader, "warning-02-acknowledged-phone")
