"""Every URL × every role × an in-scope, an out-of-scope and an accused-unit object, against jiefen.policy.

The walk fails if a URL pattern has no policy row, if a role the table denies gets a 2xx, if anyone reaches a case
outside their scope, or if any response body (PDFs read as text) carries a marker string of a case the persona may
not see; and, on the way, if a response lacks the Content-Security-Policy or an HTML page carries an inline script.
The accusation's petitioner is a seeded marker identity: no user of the accused unit may ever meet it
(信访工作条例 第三十条第三款).
"""

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader

from jiefen import policy
from jiefen.api.models import Scope
from jiefen.api.tokens import do_create_api_token
from jiefen.cases.models import LegalClass
from jiefen.cases.steps import do_accept_case, do_add_note, do_assign_case
from jiefen.leadership.visits import do_record_visit
from jiefen.notify.models import Notification

from .factories import VALID_IDS, register
from .test_csp import InlineScriptFinder

PERSONAS = ["anonymous", "clerk", "leader", "director", "handler", "other_handler", "land_handler", "mediator",
            "supervisor", "outsider"]

# The accuser (检举控告人) of the accused village: a marker identity.
ACCUSER = {"name": "秘检举", "id_number": VALID_IDS[3], "phone": "13912345678", "address": "东村保密组"}
MARKERS = {
    "in": ["标记本镇甲"],
    "foreign": ["标记外镇乙"],
    "accused": ["标记控告丙", ACCUSER["name"], ACCUSER["id_number"], ACCUSER["phone"]],
    # Grid rows (households, visits, key people) of each township.
    "in_grid": ["标记本户丁"],
    "foreign_grid": ["标记外户戊"],
}
# Who may see which case or row (DESIGN.md §2), written out by hand rather than derived from the code under test.
VISIBLE = {
    "in": {"clerk", "leader", "director", "handler", "mediator", "supervisor"},
    "foreign": {"outsider", "supervisor"},
    "accused": {"clerk", "leader", "director", "land_handler", "supervisor"},
    "in_grid": {"clerk", "leader", "director", "mediator", "supervisor"},
    "foreign_grid": {"outsider", "supervisor"},
}
# Rows only their owner may open (a notification is the recipient's).
OBJECT_VISIBLE = {"note": {"director"}, "decision": {"leader", "director"}}
# URL arguments named `pk`, by URL name: which object of the world they point at.
PK_OBJECTS = {
    "leadership:visit_detail": "visit", "leadership:visit_open_case": "visit", "leadership:visit_contact": "visit",
    "notification_open": "note", "notification_read": "note",
    "grid:visit_detail": "household_visit", "grid:visit_dispute": "household_visit",
    "grid:household_detail": "household", "grid:household_edit": "household",
    "grid:grid_detail": "grid", "grid:visitor_edit": "visitor", "grid:campaign_detail": "campaign",
    "grid:key_person_detail": "key_person", "grid:key_person_visit": "key_person",
    "grid:key_person_unlist": "key_person",
    "figures:meeting": "meeting", "figures:meeting_notes": "meeting", "figures:meeting_hold": "meeting",
    "figures:meeting_decide": "meeting", "figures:meeting_export": "meeting", "figures:decision_done": "decision",
}


def url_patterns(patterns=None, namespace=None):
    """(view name, pattern) for every URL of the project, admin included."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
            yield from url_patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


@pytest.fixture
def world(people, org):
    leader = people["leader"]

    def case(user, marker, **extra):
        c = register(user, request=f"要求解决工资问题 {marker}", **extra)
        do_accept_case(leader if user.unit_id == org["town"].pk else user, c, expected_version=c.version)
        return c

    in_scope = case(people["clerk"], MARKERS["in"][0], village=org["village_a"])
    do_assign_case(leader, in_scope, expected_version=in_scope.version, unit=org["village_a"])
    accused = case(
        people["clerk"], MARKERS["accused"][0], legal_class=LegalClass.ACCUSATION, accused_unit=org["village_a"],
        village=org["village_a"], parties=[ACCUSER],
    )
    do_assign_case(leader, accused, expected_version=accused.version, unit=org["land_office"])
    do_add_note(people["land_handler"], accused, text=f"核查{ACCUSER['name']}反映的问题")
    other_leader = _other_town_leader(org)
    foreign = register(people["outsider"], request=f"要求解决工资问题 {MARKERS['foreign'][0]}")
    do_accept_case(other_leader, foreign, expected_version=foreign.version)
    visit = do_record_visit(
        people["clerk"], leader=leader, visited_on=timezone.localdate(), village=org["village_a"],
        people_met="村民代表", matters="听取意见",
    )
    own_note = Notification.objects.create(recipient=people["director"], title="提醒", case=in_scope)
    objects = {
        "in": {"visit": visit, "note": own_note, **_grid_rows(people["director"], leader, org["grid_a"], "in_grid")},
        "foreign": _grid_rows(people["outsider"], other_leader, _other_grid(org), "foreign_grid"),
    }
    return {"in": in_scope, "foreign": foreign, "accused": accused, "objects": objects}


def _other_grid(org):
    from jiefen.org.models import Unit

    return Unit.objects.create(name="白水村第一网格", kind=Unit.Kind.GRID, parent=org["other_village"], code="G-OTHER")


def _grid_rows(recorder, leader, grid, marker_key):
    """A household with a visit, a register entry, a campaign and a key person, in `grid`'s township."""
    from jiefen.grid import actions as grid_actions
    from jiefen.grid.models import Visitor

    marker = MARKERS[marker_key][0]
    today = timezone.localdate()
    household = grid_actions.do_add_household(recorder, grid=grid, head_name=marker, address=f"{marker}住址")
    visitor = grid_actions.do_add_visitor(recorder, name=f"走访员{marker_key}", kind=Visitor.Kind.GRID_WORKER,
                                         grids=[grid])
    visit = grid_actions.do_record_household_visit(recorder, household=household, visited_on=today, visitor=visitor,
                                                   note=f"{marker}家中无事")
    campaign = grid_actions.do_create_campaign(leader, name=f"大排查{marker_key}", starts_on=today, ends_on=today,
                                               villages=[grid.parent])
    person = grid_actions.do_list_key_person(leader, village=grid.parent, name=marker, group="petitioner",
                                             reason="定期回访")
    from jiefen.figures import meetings

    meeting = meetings.do_create_meeting(leader, centre=grid.parent.township, title=f"分析研判会{marker}",
                                      period_start=today.replace(day=1), period_end=today, held_on=today)
    decision = meetings.do_record_decision(leader, meeting, text=f"{marker}回访", owner=leader, due_on=today)
    return {"household": household, "household_visit": visit, "grid": grid, "visitor": visitor,
            "campaign": campaign, "key_person": person, "meeting": meeting, "decision": decision}


def _other_town_leader(org):
    from jiefen.org.models import Role, User

    return User.objects.create(username="other_leader", role=Role.LEADER, unit=org["other_town"], full_name="冯外领")


def kwargs_for(name, pattern, world, variant):
    """URL arguments that point at the object of `variant`; None when the URL takes none."""
    keys = set(pattern.pattern.converters) or set(pattern.pattern.regex.groupindex)  # path() or re_path()
    if not keys:
        return {}
    case = world[variant]
    values = {
        "number": case.number,
        "service_request_id": case.number,
        "action": "note",
        "party_id": case.parties.first().pk,
        "field": "id_number",
        "kind": "households" if name == "excel:template" else "acceptance_notice",
        "fmt": "json" if name.startswith("api:open311") else "pdf",
        "service_code": str(case.category_id),
        "token_id": "t1",
        "key": case.parties.first().id_number_hash,
        "code": case.centre.code,
        "month": timezone.localdate().strftime("%Y-%m"),
        "day": timezone.localdate().isoformat(),
    }
    if "pk" in keys:
        if variant == "accused":
            return None  # only cases are accused
        obj = world["objects"][variant].get(PK_OBJECTS.get(name))
        values["pk"] = obj.pk if obj is not None else 999_999
    missing = keys - set(values)
    if missing:
        return None  # admin object URLs and the like: walked without an object below
    return {k: values[k] for k in keys}


def body_text(response):
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "".join(page.extract_text() or "" for page in reader.pages)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="ignore")
    return response.content.decode(errors="ignore")


def test_every_url_has_a_policy_row():
    missing = [name for name, _p in url_patterns() if policy.rule_for(name) is None]
    assert missing == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_walk_every_url_as(persona, client, people, world, org):
    user = None if persona == "anonymous" else people[persona]
    problems = []
    probes = 0
    # The API answers to tokens: each persona's token carries every permission, so only scope limits it.
    api_headers = {}
    if user is not None:
        _token, raw = do_create_api_token(user, name="访问策略巡检", scopes=[s.value for s in Scope])
        api_headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for name, pattern in url_patterns():
        if name.startswith("admin:") or name == "logout":
            continue
        rule = policy.rule_for(name)
        if rule is None:
            continue  # test_every_url_has_a_policy_row names it
        for variant in ("in", "foreign", "accused"):
            kwargs = kwargs_for(name, pattern, world, variant)
            if kwargs is None or (not kwargs and variant != "in"):
                continue
            url = reverse(name, kwargs=kwargs)
            for method in ("GET", "POST"):
                headers = api_headers if name.startswith("api:") else {}
                if user is not None and not headers:
                    client.force_login(user)
                response = client.get(url, **headers) if method == "GET" else client.post(url, {}, **headers)
                probes += 1
                status = response.status_code
                where = f"{method} {url} ({name}, {variant})"
                if status >= 500:
                    problems.append(f"{where}: {status}")
                    continue
                denied_by_role = user is not None and not rule.may(user, method)
                if "number" in kwargs or "service_request_id" in kwargs:
                    out_of_scope = rule.scope in ("case", "token") and persona not in VISIBLE[variant]
                elif "pk" in kwargs:  # another township's row, or this township's for an outsider
                    visible = OBJECT_VISIBLE.get(PK_OBJECTS.get(name), VISIBLE[f"{variant}_grid"])
                    out_of_scope = persona not in visible
                else:
                    out_of_scope = False
                if (denied_by_role or out_of_scope) and 200 <= status < 300:
                    problems.append(f"{where}: {status} where denied")
                if user is None and rule.scope not in ("public", "token") and 200 <= status < 300 and response.content:
                    problems.append(f"{where}: anonymous got {status}")
                if "script-src 'self'" not in response.get("Content-Security-Policy", ""):
                    problems.append(f"{where}: no Content-Security-Policy")
                if status == 200 and "text/html" in response.get("Content-Type", ""):
                    finder = InlineScriptFinder()
                    finder.feed(response.content.decode())
                    problems += [f"{where}: {p}" for p in finder.problems]
                if 200 <= status < 300:
                    text = body_text(response)
                    for other, markers in MARKERS.items():
                        if persona in VISIBLE[other]:
                            continue
                        leaked = [m for m in markers if m in text]
                        if leaked:
                            problems.append(f"{where}: shows {leaked} of the {other} case")
    print(f"\naccess walk as {persona}: {probes} probes, {len(problems)} problems")
    assert probes > 50
    assert problems == []


@pytest.mark.parametrize("persona", ["handler", "mediator"])
def test_the_accused_unit_never_meets_the_accuser_in_search_lists_or_notifications(persona, client, people, world):
    client.force_login(people[persona])
    for query in [ACCUSER["name"], MARKERS["accused"][0], "工资", ACCUSER["phone"][-4:]]:
        text = client.get(reverse("case_list"), {"q": query}).content.decode()
        # The search box shows what was typed; nothing else may carry the markers or the case number.
        shown = [m for m in MARKERS["accused"] + [world["accused"].number] if m != query and m in text]
        assert shown == []
    mine = " ".join(n.title + n.body + n.link for n in Notification.objects.filter(recipient=people[persona]))
    assert not [m for m in MARKERS["accused"] if m in mine] and world["accused"].number not in mine


def test_a_role_the_table_denies_is_refused_before_the_view_runs(client, people):
    client.force_login(people["handler"])
    assert client.get(reverse("desk")).status_code == 403
    client.force_login(people["supervisor"])
    assert client.post(reverse("desk"), {}).status_code == 403


def test_a_url_missing_from_the_table_is_denied(client, people, monkeypatch):
    monkeypatch.delitem(policy.POLICY, "case_list")
    client.force_login(people["director"])
    assert client.get(reverse("case_list")).status_code == 403


def test_markers_are_real_text_of_the_cases(client, people, world):
    """The walk would prove nothing if the markers were not on the pages of those who may see them."""
    client.force_login(people["land_handler"])
    text = client.get(reverse("case_detail", args=[world["accused"].number])).content.decode()
    assert MARKERS["accused"][0] in text and ACCUSER["name"] in text
    client.force_login(people["outsider"])
    text = client.get(reverse("case_detail", args=[world["foreign"].number])).content.decode()
    assert MARKERS["foreign"][0] in text
    assert re.search(r"\d{3}\*+\d{4}", text)  # the ID number is there, masked


@pytest.mark.parametrize("persona, offered, withheld", [
    ("handler", ["案件"], ["接待登记", "数据研判", "排查走访", "导入导出"]),
    ("mediator", ["排查走访", "导入导出"], ["接待登记", "数据研判", "我的包案"]),
    ("supervisor", ["数据研判", "排查走访"], ["接待登记", "我的包案"]),
    ("leader", ["接待登记", "我的包案", "数据研判", "排查走访", "导入导出"], []),
])
def test_the_menu_offers_exactly_what_the_policy_allows(client, people, persona, offered, withheld):
    client.force_login(people[persona])
    html = client.get(reverse("case_list")).content.decode()
    menu = html[html.index('class="mainnav"'):html.index("</nav>")]
    assert all(f">{label}</a>" in menu for label in offered)
    assert not any(f">{label}</a>" in menu for label in withheld)
