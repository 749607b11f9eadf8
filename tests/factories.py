"""Building blocks for tests: the unit tree, a persona per role, and cases registered through the actions."""

import importlib

from django.apps import apps

from jiefen.cases.actions import do_register_case
from jiefen.cases.models import Case, Category, Channel, LegalClass
from jiefen.org.models import Role, Unit, User

VALID_IDS = [
    "11010519491231002X",
    "330106199003083456",
    "110105198001011238",
    "110105197506152349",
    "110105198805201117",
]


def unit(name, kind, parent=None, code=None):
    return Unit.objects.create(name=name, kind=kind, parent=parent, code=code or f"U{Unit.objects.count() + 1:05d}")


def build_org():
    """A county with two townships; township 1 has two villages (one with a grid) and two departments."""
    county = unit("青山县", Unit.Kind.COUNTY, code="330100")
    town = unit("青山镇", Unit.Kind.TOWNSHIP, county, code="330101")
    other_town = unit("白水镇", Unit.Kind.TOWNSHIP, county, code="330102")
    village_a = unit("东村", Unit.Kind.VILLAGE, town)
    village_b = unit("西村", Unit.Kind.VILLAGE, town)
    grid_a = unit("东村第一网格", Unit.Kind.GRID, village_a)
    land_office = unit("自然资源所", Unit.Kind.DEPARTMENT, town)
    labour_office = unit("劳动保障所", Unit.Kind.DEPARTMENT, town)
    other_village = unit("白水村", Unit.Kind.VILLAGE, other_town)
    return {
        "county": county, "town": town, "other_town": other_town, "village_a": village_a, "village_b": village_b,
        "grid_a": grid_a, "land_office": land_office, "labour_office": labour_office, "other_village": other_village,
    }


def person(username, role, unit, full_name=None, **extra):
    user = User.objects.create_user(
        username=username, password="pass-1234-word", role=role, unit=unit, full_name=full_name or username, **extra
    )
    return user


def build_personas(org):
    """One account per role, plus outsiders: each test reads as 'the clerk', 'an outsider'."""
    return {
        "clerk": person("clerk", Role.CLERK, org["town"], "王接待"),
        "leader": person("leader", Role.LEADER, org["town"], "李书记"),
        "director": person("director", Role.DIRECTOR, org["town"], "张主任"),
        "handler": person("handler", Role.HANDLER, org["village_a"], "赵村干", is_unit_head=True),
        "other_handler": person("other_handler", Role.HANDLER, org["village_b"], "钱村干"),
        "land_handler": person("land_handler", Role.HANDLER, org["land_office"], "孙所长", is_unit_head=True),
        "mediator": person("mediator", Role.MEDIATOR, org["grid_a"], "周网格"),
        "supervisor": person("supervisor", Role.SUPERVISOR, org["county"], "吴督办"),
        "outsider": person("outsider", Role.CLERK, org["other_town"], "郑外镇"),
    }


def register(user, *, village=None, kind=Case.Kind.PETITION, legal_class=LegalClass.CLAIM, head_count=1,
             request="要求解决拖欠工资问题", parties=None, channel=Channel.VISIT, **extra):
    category = extra.pop("category", None) or Category.objects.get(name="劳动工资")
    parties = parties or [{"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000", "address": "东村1组"}]
    return do_register_case(
        user, kind=kind, channel=channel, legal_class=legal_class, category=category, request=request,
        parties=parties, village=village, head_count=head_count, **extra,
    )


# A 复查 or 复核 decision as the organ above served it (recorded at the centre).
HIGHER = {"organ": "青山县人民政府", "doc_number": "青政复〔2026〕1号"}


def reply_signed_off(user, case, *, outcome, served_on, content, expected_version=None, signer=None,
                     service_method="direct", at=None):
    """The written answer the whole way: `user` drafts it, the organ's head (`signer`, default the township's
    first leader) signs it off, `user` serves it. Returns the service event."""
    from jiefen.cases.steps import do_draft_reply, do_reply_case, do_sign_off
    from jiefen.org.queries import leadership_of

    signer = signer or leadership_of(case.centre).first()
    do_draft_reply(user, case, expected_version=case.version, outcome=outcome, content=content, at=at)
    do_sign_off(signer, case, expected_version=case.version, approved=True, at=at)
    return do_reply_case(
        user, case, expected_version=case.version, served_on=served_on, service_method=service_method, at=at
    )


def county_clerk(org, username="county_clerk"):
    """A desk account of the county (its 信访局 staff): the county's 人民政府 is then on jiefen, and its 复查 are
    decided here by such accounts, not recorded at the township from paper."""
    return person(username, Role.CLERK, org["county"], "县信访局")


def hand_down(user, town, *, mode="assign", doc_number=None, due_days=30, requirements="", village=None,
              request="要求解决拖欠工资问题", parties=None, legal_class=LegalClass.CLAIM):
    """An item handed down by `user` (a county desk account) to township `town`, through the real action."""
    import datetime as dt

    from django.utils import timezone

    from jiefen.cases.actions.handover import do_hand_down, next_doc_number
    from jiefen.cases.actions.intake import Intake

    intake = Intake.build(
        user, centre=town, kind=Case.Kind.PETITION, channel=Channel.ASSIGNED, legal_class=legal_class,
        category=Category.objects.get(name="劳动工资"), request=request, village=village,
        parties=parties or [{"name": "陈大山", "id_number": VALID_IDS[0], "phone": "13800138000"}],
    )
    due_on = timezone.localdate() + dt.timedelta(days=due_days) if due_days else None
    return do_hand_down(
        user, intake, mode=mode, doc_number=doc_number or next_doc_number(user), due_on=due_on,
        requirements=requirements,
    )


# The data migrations seed (module, function); each function is idempotent.
SEEDS = [
    ("jiefen.cases.migrations.0003_search_and_categories", "seed_categories"),
    ("jiefen.clocks.migrations.0002_seed_rules", "seed"),
    ("jiefen.clocks.migrations.0004_verified_articles", "update"),
    ("jiefen.clocks.migrations.0005_rule_channels", "seed"),
    ("jiefen.clocks.migrations.0006_return_report", "update"),
    ("jiefen.notify.migrations.0002_seed_rules", "seed"),
    ("jiefen.leadership.migrations.0003_default_dossier_requirements", "seed"),
    ("jiefen.warning.migrations.0002_seed_rules", "seed"),
]


def reseed():
    """Put back the rows data migrations seed (categories, clock rules, supervision rules, dossier checklist,
    warning rules).

    A transactional test ends with a flush that empties every table, so the next one starts without them. Serialized
    rollback does not help after a browser test: with Playwright's event loop in the main thread, Django's connection
    handler keeps connections per context, and the next test gets a fresh connection without the serialized data.
    """
    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
