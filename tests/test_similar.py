"""Repeat and similar matters at intake (issue 13, point 2): the person's earlier cases whatever their state, the same
name in the same village as a weaker hint, and similar past matters by what the request says, each with why."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiefen.cases import similar
from jiefen.cases.models import Case, Category, Status
from jiefen.cases.similar import paraphrase, similar_matters

from .factories import VALID_IDS, register

pytestmark = pytest.mark.django_db

COMPANIES = ["宏达建材有限公司", "鑫源纺织厂", "永安建筑劳务公司", "华丰食品厂", "恒通物流公司", "金桥电子厂"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"
TEMPLATES = [
    "反映{company}拖欠其{year}年工资{amount}元，多次讨要未果，要求尽快支付。",
    "要求{company}结清{months}个月的工资及加班费。",
    "反映邻居{name}建房占用其宅基地约{area}平方米，要求拆除恢复。",
    "反映{company}夜间生产噪声扰民，要求整改。",
    "与邻居{name}因排水沟走向发生纠纷，要求调解。",
]


@pytest.fixture
def township(org, people):
    """60 matters of five kinds told with different particulars, as a township's year has them."""
    rng = random.Random(7)
    cases = []
    for i in range(60):
        text = TEMPLATES[i % len(TEMPLATES)].format(
            company=rng.choice(COMPANIES), year=rng.choice([2024, 2025]), amount=rng.randrange(3000, 90000, 100),
            months=rng.randint(2, 9), name=rng.choice(SURNAMES) + rng.choice("建国华明丽芳军伟"),
            area=rng.randint(5, 60),
        )
        village = org["village_a"] if i % 2 else org["village_b"]
        cases.append(register(people["clerk"], village=village, request=text,
                              parties=[{"name": f"{SURNAMES[i % 16]}某{i}"}]))
    similar.weights(refresh=True)
    return cases


def test_the_same_matter_told_again_in_other_words_comes_first(people, township):
    rng = random.Random(11)
    found_at = []
    for case in township[:40]:
        retold = paraphrase(case.request, rng)
        top = similar_matters(people["clerk"], retold, case.centre)
        numbers = [s.case.number for s in top]
        found_at.append(numbers.index(case.number) if case.number in numbers else None)
    recall_at_5 = sum(rank is not None for rank in found_at) / len(found_at)
    first = sum(rank == 0 for rank in found_at) / len(found_at)
    assert recall_at_5 >= 0.9 and first >= 0.8, found_at


def test_the_reason_is_what_both_say_and_scope_holds(people, org, township):
    case = township[0]
    top = similar_matters(people["clerk"], case.request, case.centre)
    assert top[0].case == case and top[0].score > 0.8  # its number, names and village are indexed too
    assert any(len(p) >= 4 for p in top[0].shared)  # a stretch like the company's name, not loose bigrams
    # Another township's clerk finds nothing of this one, even when given its name.
    assert similar_matters(people["outsider"], case.request, case.centre) == []
    assert similar_matters(people["clerk"], "工资", case.centre) == []  # too little to go on


def test_suggesting_takes_a_fixed_number_of_queries(people, township):
    case = township[3]
    similar_matters(people["clerk"], case.request, case.centre)
    with CaptureQueriesContext(connection) as few:
        similar_matters(people["clerk"], case.request, case.centre, limit=1)
    with CaptureQueriesContext(connection) as many:
        similar_matters(people["clerk"], case.request, case.centre, limit=5)
    assert len(few) == len(many) <= 7  # weights cached; three probes of the index, the terms, the cases


def test_the_desk_shows_closed_cases_namesakes_and_similar_matters_with_why(client, org, people, township):
    closed = register(people["clerk"], village=org["village_a"], request="反映村口路灯长期不亮，要求维修。",
                      parties=[{"name": "陈大山", "id_number": VALID_IDS[0]}])
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    namesake = register(people["clerk"], village=org["village_b"], request="要求办理城乡居民养老保险待遇领取手续。",
                        parties=[{"name": "林小河"}])
    target = township[0]
    client.force_login(people["clerk"])
    page = client.post(reverse("desk_check"), {
        "party-0-name": "陈大山", "party-0-id_number": VALID_IDS[0], "party-1-name": "林小河",
        "village": str(org["village_b"].pk), "channel": "call", "request": paraphrase(target.request, random.Random(3)),
        "category": str(Category.objects.get(name="劳动工资").pk),
    }, HTTP_HX_REQUEST="true").content.decode()
    assert closed.number in page and "同一身份证号或电话" in page
    assert namesake.number in page and "同名同村（仅供参考）" in page
    assert target.number in page and "诉求相似" in page and "相同内容：" in page
    assert "在此案登记来电" in page
