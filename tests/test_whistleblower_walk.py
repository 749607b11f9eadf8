"""The walk that proves the accuser stays hidden (issue 17 item 5), generated rather than hand-listed.

Accusations are registered through every channel that names an accused unit (the desk, the API, the portal, a
leaders' visit) against every unit level that can be accused (a grid, a village, a department), each with its own
marker strings (the accuser's name, address, phone, ID number and their masked forms, a sentence of the facts
naming the accuser, attachment file names, the request, a note, a reply), and taken through accept, assign (to a
unit off the accused side), sign for, a note, a document and a reply through the case page's forms.

Then every user of the accused side (the accused unit, every unit under it, the unit directly responsible for it;
handlers and mediators) crawls everything: every URL pattern of the project (path parameters filled from the
world: case numbers, parties, documents, notices, notifications, visits, meetings...), the htmx variants of the
views that have one, the reveal endpoint for every party and field, the desk's duplicate check, every GET
operation of /api/openapi.json with the user's token, and searches for each marker. Every body (HTML, JSON, PDF
text, xlsx cells, download headers) is grepped for the markers of the accusations against that user's side: none
may appear. The clerk walks the same way as the control and must find every marker of every accusation.
"""

import contextlib
import functools
import html
import io
import itertools
import json
import logging
import re
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from stdnum.cn import ric

from jiefen.api.models import Scope
from jiefen.api.tokens import do_create_api_token
from jiefen.cases.access import REVEALABLE_FIELDS
from jiefen.cases.models import Case, Category, LegalClass
from jiefen.cases.notices import NOTICES
from jiefen.cases.steps import registry
from jiefen.excel.models import ImportJob
from jiefen.figures import meetings
from jiefen.leadership.visits import do_record_visit
from jiefen.notify.models import Notification
from jiefen.org.models import Role

from .factories import person
from .test_access_policy import url_patterns
from .test_api import new_case_body
from .test_portal import png_bytes, signed, upload
from .test_views import intake_post

pytestmark = pytest.mark.django_db

CHANNELS = {"desk": "窗口", "api": "接口", "portal": "网上", "visit": "下访"}
# The unit levels that can be accused (jiefen.cases.access.scope_q), by the fixture's unit of that level.
LEVELS = {"grid": ("grid_a", "网格"), "village": ("village_a", "村级"), "department": ("land_office", "部门")}
# Where each accusation is handed over (a unit off its accused side), and who there signs for it and replies.
ASSIGNEE = {"grid": ("labour_office", "labour_handler"), "village": ("village_b", "other_handler"),
            "department": ("village_a", "handler")}
# The accused side of each level, written out by hand and checked against the one derived from the unit tree
# (accused_side_users): the accused unit, every unit under it, the unit directly responsible for it.
ACCUSED_SIDE = {
    "grid": ["mediator", "grid_handler", "handler", "village_mediator"],  # the grid and its village
    "village": ["handler", "village_mediator", "mediator", "grid_handler"],  # the village and its grid
    "department": ["land_handler", "land_mediator"],
}
CONTROL = "clerk"
IDENTITY = ("name", "address", "phone", "id_number", "masked_phone", "masked_id", "facts", "attachment", "upload")
MATTER = ("request", "note", "reply", "title")
SEARCHED = ("name", "phone", "id_number", "address")


def id_number(i):
    """A valid, unique 18-digit ID number (GB 11643 check digit) whose last four digits are unique too."""
    body = f"11010519800{(i % 9) + 1}{(i % 27) + 1:02d}{700 + i:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 digits


def accused_side_users(accused):
    """Every account of the accused side of `accused`, from the tree alone (not from jiefen.cases.access)."""
    from jiefen.org.models import Unit, User

    units = Unit.objects.filter(path__startswith=accused.path)
    if accused.kind == Unit.Kind.GRID:
        units = units | Unit.objects.filter(pk=accused.parent_id)  # the village directly responsible for its grid
    return User.objects.filter(unit__in=units, is_active=True)


@dataclass
class Accusation:
    channel: str
    level: str
    index: int
    markers: dict = field(default_factory=dict)
    case: Case | None = None

    def __post_init__(self):
        tag = CHANNELS[self.channel] + LEVELS[self.level][1]
        name = "秘" + "甲乙丙丁戊己庚辛壬癸子丑"[self.index] + "举"
        phone = f"1390000{1001 + self.index}"
        ident = id_number(self.index)
        self.markers = {
            "name": name,
            "address": f"保密巷{101 + self.index}号院",
            "phone": phone,
            "id_number": ident,
            "masked_phone": f"{phone[:3]}****{phone[-4:]}",
            "masked_id": f"{ident[:3]}***********{ident[-4:]}",
            "facts": f"{name}亲眼看见第{self.index + 1}笔补贴被冒领",
            "upload": f"核查底稿{tag}",
            "request": f"检举事项{tag}违规发放补贴",
            "note": f"核查笔记{tag}",
            "reply": f"答复意见{tag}",
            "title": f"调查材料{tag}",
        }
        if self.channel == "portal":  # the only channel that takes the accuser's own files
            self.markers["attachment"] = f"举报材料{tag}"

    @property
    def tag(self):
        return f"{self.channel}/{self.level}"


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of refused probes: Django's request log would print a line (and a traceback) for each."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "jiefen")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)


# ---- the world -------------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def extra_personas(org):
    return {
        "grid_handler": person("grid_handler", Role.HANDLER, org["grid_a"], "冯网格长"),
        "village_mediator": person("village_mediator", Role.MEDIATOR, org["village_a"], "陈村调解"),
        "land_mediator": person("land_mediator", Role.MEDIATOR, org["land_office"], "褚所调解"),
        "labour_handler": person("labour_handler", Role.HANDLER, org["labour_office"], "卫所长", is_unit_head=True),
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def party_of(a):
    m = a.markers
    return {"name": m["name"], "id_number": m["id_number"], "phone": m["phone"], "address": m["address"]}


def _errors(response):
    """The form errors of a refused submission, for the failure message."""
    text = response.content.decode()
    return re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', text, re.DOTALL) or text[-2000:]


def register_via_desk(a, org, people, unit):
    p = party_of(a)
    data = intake_post(org, **{
        "legal_class": "accusation", "accused_unit": unit.pk, "request": a.markers["request"],
        "facts": a.markers["facts"], **{f"party-0-{k}": v for k, v in p.items()},
    })
    response = logged_in(people["clerk"]).post(reverse("desk"), data)
    assert response.status_code == 302, _errors(response)
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def register_via_api(a, org, people, unit):
    raw = do_create_api_token(people["clerk"], name="12345热线", scopes=["read", "create"])[1]
    body = new_case_body(legal_class="accusation", accused_unit=unit.code, village=org["village_a"].code,
                         request=a.markers["request"], facts=a.markers["facts"], parties=[party_of(a)])
    response = Client().post("/api/cases", body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201, response.content.decode()
    return response.json()["number"]


def register_via_portal(a, org, people, unit):
    m = a.markers
    data = {
        "key": signed(f"walk-{a.index}"), **party_of(a), "village": org["village_a"].pk,
        "category": Category.objects.get(name="劳动工资").pk, "legal_class": "accusation", "accused_unit": unit.pk,
        "request": m["request"], "facts": m["facts"], "truthful": "on",
        "attachments": [upload(f"{m['attachment']}.png", png_bytes())],
    }
    response = Client().post(reverse("portal:petition", args=[org["town"].code]), data)
    assert response.status_code == 302, _errors(response)
    return Case.objects.get(parties__name=m["name"]).number


def register_via_visit(a, org, people, unit):
    visit = do_record_visit(people["leader"], leader=people["leader"], visited_on=timezone.localdate(),
                            village=org["village_a"], people_met="东村村民", head_count=1, matters="听取意见")
    p = party_of(a)
    data = {
        "case-kind": "petition", "case-legal_class": "accusation", "case-accused_unit": unit.pk,
        "case-category": Category.objects.get(name="劳动工资").pk, "case-request": a.markers["request"],
        "case-facts": a.markers["facts"], "case-head_count": "1", "party-role": "petitioner",
        **{f"party-{k}": v for k, v in p.items()},
    }
    response = logged_in(people["leader"]).post(reverse("leadership:visit_open_case", args=[visit.pk]), data)
    assert response.status_code == 302, _errors(response)
    return response.url.rstrip("/").rsplit("/", 1)[-1]


REGISTER = {"desk": register_via_desk, "api": register_via_api, "portal": register_via_portal,
            "visit": register_via_visit}


def act(user, number, action, files=None, **fields):
    """One step through the case page's form, as the user would take it."""
    case = Case.objects.get(number=number)
    data = {f"{action}-expected_version": case.version, **{f"{action}-{k}": v for k, v in fields.items()}}
    if files:
        data[f"{action}-files"] = files
    response = logged_in(user).post(reverse("case_act", args=[number, action]), data)
    assert response.status_code == 302, f"{action} on {number}: {response.status_code}"


def handle(a, org, people):
    """Accept, hand over off the accused side, sign for, a note, a document, a reply drafted, signed off and
    served."""
    number = a.case.number
    unit_key, handler_key = ASSIGNEE[a.level]
    handler = people[handler_key]
    act(people["leader"], number, "accept")
    act(people["leader"], number, "assign", unit=org[unit_key].pk)
    act(handler, number, "sign_for")
    act(handler, number, "note", text=f"{a.markers['note']}：已约{a.markers['name']}面谈")
    act(handler, number, "document", title=a.markers["title"],
        files=[upload(f"{a.markers['upload']}.png", png_bytes())])
    act(handler, number, "draft_reply", outcome="support", content=a.markers["reply"])
    act(people["leader"], number, "sign_off", approved="1")
    act(handler, number, "reply", served_on=timezone.localdate().isoformat(), service_method="direct")


@pytest.fixture
def walk_world(org, people):
    people.update(extra_personas(org))
    accusations = []
    for index, (channel, level) in enumerate(itertools.product(CHANNELS, LEVELS)):
        a = Accusation(channel, level, index)
        unit = org[LEVELS[level][0]]
        number = REGISTER[channel](a, org, people, unit)
        a.case = Case.objects.get(number=number)
        assert a.case.legal_class == LegalClass.ACCUSATION and a.case.accused_unit == unit, a.tag
        handle(a, org, people)
        accusations.append(a)
    today = timezone.localdate()
    meeting = meetings.do_create_meeting(people["leader"], centre=org["town"], title="检举控告分析研判会",
                                         period_start=today.replace(day=1), period_end=today, held_on=today)
    meetings.do_record_decision(people["leader"], meeting, text="研判", owner=people["leader"], due_on=today)
    return accusations


# ---- the crawl -------------------------------------------------------------------------------------------------

def _pks(model_label):
    from django.apps import apps

    return list(apps.get_model(model_label).objects.order_by("pk").values_list("pk", flat=True)[:30])


# URL arguments named `pk` outside a case: which rows they point at (every row of the world, all recipients').
PK_ROWS = {
    "notification_open": "notify.Notification", "notification_read": "notify.Notification",
    "leadership:visit_detail": "leadership.LeaderVisit", "leadership:visit_open_case": "leadership.LeaderVisit",
    "leadership:visit_contact": "leadership.LeaderVisit",
    "duty_swap": "duty.DutyShift", "excel:job": "excel.ImportJob",
    "grid:visit_detail": "grid.HouseholdVisit", "grid:visit_dispute": "grid.HouseholdVisit",
    "grid:household_detail": "grid.Household", "grid:household_edit": "grid.Household",
    "grid:grid_detail": "org.Unit", "grid:visitor_edit": "grid.Visitor", "grid:campaign_detail": "grid.Campaign",
    "grid:key_person_detail": "grid.KeyPerson", "grid:key_person_visit": "grid.KeyPerson",
    "grid:key_person_unlist": "grid.KeyPerson",
    "figures:meeting": "figures.AnalysisMeeting", "figures:meeting_notes": "figures.AnalysisMeeting",
    "figures:meeting_hold": "figures.AnalysisMeeting", "figures:meeting_decide": "figures.AnalysisMeeting",
    "figures:meeting_export": "figures.AnalysisMeeting", "figures:decision_done": "figures.MeetingDecision",
}


def _admin_models():
    """The admin's URL prefix ("admin:app_model_") → model."""
    return {f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry}


def _admin_object_ids(model, cases):
    if model is Case:
        return [c.pk for c in cases]
    if any(f.name == "case" for f in model._meta.get_fields()):
        return list(model.objects.filter(case__in=cases).values_list("pk", flat=True)[:40])
    return []


def argument_sets(name, pattern, accusations, town):
    """Every filling of `pattern`'s path parameters the world offers (an empty dict when it takes none)."""
    keys = list(pattern.pattern.regex.groupindex)
    if not keys:
        return [{}]
    cases = [a.case for a in accusations]
    today = timezone.localdate()
    kinds = list(ImportJob.Kind.values) if name == "excel:template" else list(NOTICES)
    common = {
        "action": list(registry.codes()), "field": sorted(REVEALABLE_FIELDS), "kind": kinds,
        "fmt": ["json", "xml"] if name.startswith("api:open311") else ["pdf", "xlsx"],
        "code": [town.code], "month": [today.strftime("%Y-%m")], "day": [today.isoformat()],
        "service_code": sorted({str(c.category_id) for c in cases}), "token_id": ["t1"],
        # The person page of each accuser, by the keyed hash it is reached by.
        "key": sorted({h for c in cases for p in c.parties.all() for h in (p.id_number_hash, p.phone_hash) if h}),
    }
    if name.startswith("admin:"):
        models = _admin_models()
        model = next((m for prefix, m in models.items() if name.startswith(prefix)), None)
        if name == "admin:app_list":
            return [{"app_label": label} for label in sorted({m._meta.app_label for m in models.values()})]
        if name == "admin:view_on_site":
            ct = ContentType.objects.get_for_model(Case).pk
            return [{"content_type_id": ct, "object_id": c.pk} for c in cases]
        if model is not None and keys == ["object_id"]:
            return [{"object_id": pk} for pk in _admin_object_ids(model, cases)]
        return []
    sets = []
    per_case = [c for c in cases] if {"number", "service_request_id"} & set(keys) else [None]
    for case in per_case:
        values = dict(common)
        if case is not None:
            values["number"] = values["service_request_id"] = [case.number]
            values["party_id"] = list(case.parties.values_list("pk", flat=True))
            if name == "case_document":
                values["pk"] = list(case.documents.values_list("pk", flat=True))
            elif name == "supervision_notice_of":
                values["pk"] = list(case.supervisions.values_list("pk", flat=True)) or [999_999]
        if "pk" in keys and "pk" not in values:
            values["pk"] = _pks(PK_ROWS[name]) if name in PK_ROWS else [999_999]
            values["pk"] = values["pk"] or [999_999]
        missing = set(keys) - set(values)
        assert not missing, f"{name}: no values for {missing}"
        for combo in itertools.product(*(values[k] for k in keys)):
            sets.append(dict(zip(keys, combo)))
    return sets


@functools.cache
def uses_htmx(pattern):
    import inspect

    try:
        return "htmx" in inspect.getsource(pattern.callback)
    except (OSError, TypeError):
        return False


def body_text(response):
    """Everything a person could read in a response: the body as text (PDF text, every xlsx cell, JSON with its
    escapes undone, HTML with entities undone) and the headers that name things (downloads, redirects)."""
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    parts = [unquote(response.get(h, "")) for h in ("Content-Disposition", "Location", "HX-Redirect", "HX-Trigger")]
    if kind.startswith("application/pdf") or content.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(content))
        parts += [page.extract_text() or "" for page in reader.pages]
        kind_name = "pdf"
    elif "spreadsheetml" in kind or (content.startswith(b"PK") and "xlsx" in response.get("Content-Disposition", "")):
        book = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            parts.append(sheet.title)
            parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        kind_name = "xlsx"
    elif "json" in kind:
        text = content.decode(errors="ignore")
        with contextlib.suppress(ValueError):  # not JSON after all: grep the raw text
            text = json.dumps(json.loads(text), ensure_ascii=False)
        parts.append(text)
        kind_name = "json"
    else:
        text = content.decode(errors="ignore")
        parts += [text, html.unescape(text)]
        kind_name = "html" if "html" in kind else "other"
    return "\n".join(parts), kind_name


@dataclass
class Walk:
    """One user's crawl: every probe's body grepped for the markers it watches."""

    user: object
    watched: list  # the accusations whose markers this user must never meet (all of them for the control)
    probes: int = 0
    bodies: int = 0
    kinds: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    found: list = field(default_factory=list)  # (accusation tag, marker kind, where, status)
    errors: list = field(default_factory=list)

    def __post_init__(self):
        self.client = logged_in(self.user)
        raw = do_create_api_token(self.user, name="巡检", scopes=[s.value for s in Scope])[1]
        self.api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        self.uploads = {(a.tag, a.markers.get("upload")) for a in self.watched}

    def probe(self, method, url, data=None, *, query=None, echoed=(), **headers):
        full = f"{url}?{urlencode(query)}" if query else url
        if method == "GET":
            response = self.client.get(url, query or {}, **headers)
        else:
            response = self.client.post(url, data or {}, **headers)
        self.probes += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        where = f"{method} {unquote(full)}"
        if response.status_code >= 500:
            self.errors.append(f"{where}: {response.status_code}")
            return response.status_code
        text, kind = body_text(response)
        self.bodies += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        for u in {full, unquote(full), url, unquote(url)}:  # the address itself (a 404 page, a login's ?next=)
            text = text.replace(u, "")
        for a in self.watched:
            for marker_kind, marker in a.markers.items():
                if marker in echoed or marker not in text:  # what the user typed in may be shown back
                    continue
                self.found.append((a.tag, marker_kind, where, response.status_code, kind))
            number = a.case.number
            if number not in echoed and number in text:
                self.found.append((a.tag, "number", where, response.status_code, kind))
        return response.status_code


def crawl(walk, accusations, town):
    """Everything `walk.user` can reach: every URL pattern × every filling, with GET, and with an empty POST where
    the URL answers only POST (the reveal endpoint and the desk's duplicate check with the accuser's own numbers);
    the htmx variants; searches for each marker; every GET operation of the API."""
    patterns = 0
    watched = {a.case.number for a in walk.watched}
    opened = set()  # the watched cases whose page this user opens (a leak already): walked step by step
    first_action = registry.codes()[0]
    post_only = set()
    for name, pattern in url_patterns():
        if name in ("logout", "admin:logout") or name.startswith("api:"):
            continue
        patterns += 1
        for kwargs in argument_sets(name, pattern, accusations, town):
            if name == "case_act" and kwargs["number"] not in opened and kwargs["action"] != first_action:
                continue  # a case whose page is 404 (or not watched): one step says whether the write path is too
            url = reverse(name, kwargs=kwargs)
            if name == "desk_check":
                for a in accusations:
                    m = a.markers
                    walk.probe("POST", url, {"party-0-id_number": m["id_number"], "party-0-phone": m["phone"]},
                               echoed=(m["id_number"], m["phone"]), HTTP_HX_REQUEST="true")
                continue
            # A URL that answers GET with 405 refuses the method before its view reads the arguments: one GET
            # says so, then each filling is sent an empty POST (refused, with the page around the refusal).
            status = walk.probe("GET", url) if name not in post_only else None
            if status == 405:
                post_only.add(name)
            elif name == "case_detail" and status == 200 and kwargs["number"] in watched:
                opened.add(kwargs["number"])
            if name in post_only:
                walk.probe("POST", url)
                continue
            if uses_htmx(pattern):
                walk.probe("GET", url, HTTP_HX_REQUEST="true")
            if name == "case_receipt":
                walk.probe("GET", url, query={"format": "pdf"})
            if name == "case_list":
                for a in accusations:
                    for key in SEARCHED:
                        value = a.markers[key]
                        walk.probe("GET", url, query={"q": value}, echoed=(value,))
    operations = crawl_api(walk, accusations)
    return patterns, operations


def crawl_api(walk, accusations):
    spec = walk.client.get("/api/openapi.json").json()
    walk.probe("GET", "/api/openapi.json", **walk.api)
    numbers = [a.case.number for a in accusations]
    operations = 0
    for path, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        operations += 1
        op = ops["get"]
        params = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
        query_names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
        fills = [{}] if not params else [dict.fromkeys(params, n) for n in numbers]
        for fill in fills:
            url = path
            for key, value in fill.items():
                url = url.replace("{" + key + "}", value)
            walk.probe("GET", url, **walk.api)
            if "q" in query_names:
                for a in accusations:
                    for key in SEARCHED:
                        value = a.markers[key]
                        walk.probe("GET", url, query={"q": value}, echoed=(value,), **walk.api)
            if "service_request_id" in query_names:
                joined = ",".join(numbers)
                walk.probe("GET", url, query={"service_request_id": joined}, echoed=tuple(numbers), **walk.api)
    return operations


def test_the_accused_side_never_meets_the_accuser_on_any_path(org, people, walk_world):
    started = time.monotonic()
    accusations = walk_world
    assert len(accusations) == len(CHANNELS) * len(LEVELS)
    town = org["town"]
    by_username = {user.username: key for key, user in people.items()}
    sides = {}
    for a in accusations:
        side = [by_username[u.username] for u in accused_side_users(a.case.accused_unit)]
        assert sorted(side) == sorted(ACCUSED_SIDE[a.level]), a.tag  # every role there: handlers and mediators
        for key in side:
            sides.setdefault(key, []).append(a)
    walks = {key: Walk(people[key], watched) for key, watched in sides.items()}
    walks[CONTROL] = Walk(people[CONTROL], accusations)
    patterns = operations = 0
    for walk in walks.values():
        patterns, operations = crawl(walk, accusations, town)

    # Nothing of the accused side's own notifications (and their SMS) names an accusation against them.
    for key, watched in sides.items():
        mine = " ".join(n.title + n.body + n.link for n in Notification.objects.filter(recipient=people[key]))
        for a in watched:
            assert a.case.number not in mine and not [m for m in a.markers.values() if m in mine], (key, a.tag)

    control = walks.pop(CONTROL)
    found_by_control = {(tag, kind) for tag, kind, *_rest in control.found}
    missing = [(a.tag, k) for a in accusations for k in [*a.markers, "number"] if (a.tag, k) not in found_by_control]
    in_pdf = {tag for tag, kind, _w, _s, body in control.found if kind == "name" and body == "pdf"}
    assert all(set(a.markers) <= {*IDENTITY, *MATTER} for a in accusations)
    leaks = [f"{key} ({people[key].unit}): {tag} {kind} in {where} [{status} {body}]"
             for key, walk in walks.items() for tag, kind, where, status, body in walk.found]
    errors = [e for walk in [control, *walks.values()] for e in walk.errors]
    probes = sum(w.probes for w in walks.values())
    bodies = sum(w.bodies for w in walks.values())
    kinds, statuses = {}, {}
    for w in walks.values():
        for k, n in w.kinds.items():
            kinds[k] = kinds.get(k, 0) + n
        for k, n in w.statuses.items():
            statuses[k] = statuses.get(k, 0) + n
    print(
        f"\nwhistleblower walk: {len(accusations)} accusations ({len(CHANNELS)} channels × {len(LEVELS)} levels, "
        f"{sum(len(a.markers) + 1 for a in accusations)} markers with the case numbers), "
        f"{len(walks)} accused-side users, {patterns} URL patterns + {operations} API GET operations, "
        f"{probes} probes, {bodies} bodies grepped ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
        f"statuses {dict(sorted(statuses.items()))}, {len(leaks)} markers found; "
        f"control ({CONTROL}): {control.probes} probes, {len(control.found)} markers found "
        f"({len(found_by_control)} distinct of {len(found_by_control | set(missing))}); "
        f"{time.monotonic() - started:.0f}s"
    )
    assert errors == []
    assert missing == [], "the control did not find these markers: the grep proves nothing for them"
    assert in_pdf == {a.tag for a in accusations}, "PDF text is read"
    assert leaks == [], "\n".join(leaks[:50])
    assert probes > 1000 and all(w.probes > 100 for w in walks.values())
