"""A real jiefen server in a subprocess on its own database, and clients that talk to it over HTTP.

Used by the crash test (kill -9 under load) and the backup test (backup under load, restore, verify). The database
is a temp SQLite file, or a dedicated PostgreSQL database next to the one DATABASE_URL names when that is
PostgreSQL. Nothing here imports the server's code: what a client saw acknowledged is judged only from HTTP, and
what survived only from SQL on the database afterwards.
"""

import atexit
import collections
import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "pass-1234-word"
NO_ANSWER = (OSError, http.client.HTTPException)
MARKER = re.compile(r"[A-Z]\d+-[a-z0-9]+-\d+")
CLIENTS = ["leader", "director", "leader1", "leader2"]

SEED_SCRIPT = """
import json
from tests import factories
from jiefen.cases.models import Category
from jiefen.org.models import Role
org = factories.build_org()
factories.build_personas(org)
for i in (1, 2):
    factories.person(f"leader{i}", Role.LEADER, org["town"], f"领导{i}")
print("SEEDED " + json.dumps({"category": Category.objects.get(name="劳动工资").pk, "village": org["village_a"].pk}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveDatabase:
    """A fresh database for a live server: a SQLite file under `folder`, or PostgreSQL database <name>_<suffix>."""

    def __init__(self, folder, suffix, template=None):
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urllib.parse.urlsplit(base)
            self.name = f"{parts.path.lstrip('/') or 'jiefen'}_{suffix}"
            self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
            copy = f' TEMPLATE "{template.name}"' if template else ""
            self._sql_admin(
                f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"{copy}'
            )
        else:
            self.path = Path(folder) / f"{suffix}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            if template:
                source, target = sqlite3.connect(template.path), sqlite3.connect(self.path)
                source.backup(target)
                target.close()
                source.close()

    def _sql_admin(self, *statements):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def drop(self):
        if self.postgres:
            self._sql_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql, params=()):
        """Rows of `sql` (with ? placeholders), read straight from the database file or server."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


_TEMPLATES = {}


def prepared_database(folder, suffix):
    """A fresh database, migrated and seeded, and the ids the desk form needs.

    Migrating takes most of a minute on a busy machine: it is done once per test session into a template, which
    each test then copies (SQLite backup API; PostgreSQL CREATE DATABASE ... TEMPLATE).
    """
    key = os.environ.get("DATABASE_URL", "")
    if key not in _TEMPLATES:
        scratch = Path(tempfile.mkdtemp(prefix="jiefen-live-"))
        template = LiveDatabase(scratch, "template")
        atexit.register(shutil.rmtree, scratch, True)
        atexit.register(template.drop)
        _TEMPLATES[key] = (template, LiveSite(template, scratch).prepare())
    template, ids = _TEMPLATES[key]
    return LiveDatabase(folder, suffix, template=template), ids


class LiveSite:
    """manage.py commands and a runserver process on one LiveDatabase."""

    def __init__(self, database, folder):
        self.db = database
        self.folder = Path(folder)
        self.env = {
            **os.environ, "DATABASE_URL": database.url, "MEDIA_ROOT": str(self.folder / "media"), "DEBUG": "0",
            "PYTHONUNBUFFERED": "1", "ALLOWED_HOSTS": "127.0.0.1",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = None
        self.port = None
        self.starts = 0

    def manage(self, *args, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True,
            timeout=600, check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def prepare(self):
        """Migrate and seed the personas; return the ids the desk form needs."""
        self.manage("migrate", "--no-input", "-v0")
        out = self.manage("shell", "-c", SEED_SCRIPT).stdout
        return json.loads(out.split("SEEDED ", 1)[1])

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        self.port = free_port()
        with open(self.folder / f"server-{self.starts}.log", "w") as log:  # the server keeps its own descriptor
            self.starts += 1
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"],
                cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}; see {log.name}")
            try:
                urllib.request.urlopen(self.base_url + "/accounts/login/", timeout=2).read()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise AssertionError("server did not answer in time")

    def kill(self):
        """SIGKILL: no shutdown handler, no flush, no rollback: as a power cut is to the process."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.text = status, headers, body

    @property
    def acknowledged(self):
        return 200 <= self.status < 400

    def messages(self):
        """The levels and texts of the flash messages this response set (Django's signed messages cookie)."""
        from django.contrib.messages.storage.cookie import CookieStorage
        from django.http import HttpRequest

        for header in self.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            if "messages" in cookie and cookie["messages"].value:
                decoded = CookieStorage(HttpRequest())._decode(cookie["messages"].value) or []
                return [(m.level_tag, str(m.message)) for m in decoded]
        return []


class Browser:
    """One person's browser: cookies, CSRF token from the page, no redirect following (a 302 is the answer)."""

    def __init__(self, site, username):
        self.site = site
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def _csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path, data=None, timeout=30):
        """The server's answer; raises OSError (URLError, ConnectionError) when there was none."""
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}, doseq=True).encode()
        req = urllib.request.Request(self.site.base_url + path, data=body)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, error.headers, error.read().decode(errors="replace"))

    def login(self):
        self.request("/accounts/login/")
        answer = self.request("/accounts/login/", {"username": self.username, "password": PASSWORD})
        if answer.status != 302:
            raise AssertionError(f"login of {self.username} failed: {answer.status}")

    def register(self, ids, marker, party_name, phone):
        """Register a case at the desk: the case number when acknowledged (302 to the case page), False when refused
        (the form again), None when a redirect came without its address (cut off by the kill)."""
        answer = self.request("/desk/", {
            "channel": "visit", "kind": "petition", "legal_class": "claim", "category": ids["category"],
            "village": ids["village"], "head_count": "1", "request": f"要求结清拖欠工资 {marker}",
            "facts": f"记录 {marker}",
            "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1",
            "party-MAX_NUM_FORMS": "20", "party-0-role": "petitioner", "party-0-name": party_name,
            "party-0-phone": phone, "party-0-address": "东村1组",
        })
        if answer.status != 302:
            return False
        found = re.search(r"/cases/([^/]+)/$", answer.headers.get("Location") or "")
        return found.group(1) if found else None

    def version_for(self, number, action):
        """The expected version the case page offers for `action`, or None when the step is not offered."""
        page = self.request(f"/cases/{urllib.parse.quote(number)}/")
        found = re.search(rf'name="{action}-expected_version" value="(\d+)"', page.text)
        return found.group(1) if found else None

    def act(self, number, action, fields):
        """Take a step on the case page: True when the server said it was done (302 + success message), False when
        it refused (a form again, or a redirect with an error message), None when the answer does not say: a
        redirect without any message is a response the kill cut off after its status line."""
        answer = self.request(
            f"/cases/{urllib.parse.quote(number)}/act/{action}/", {f"{action}-{k}": v for k, v in fields.items()}
        )
        if answer.status != 302:
            return False
        levels = [level for level, _text in answer.messages()]
        if "success" in levels:
            return True
        return False if levels else None


# ------------------------------------------------------------------------------- clients under load


class Ledger:
    """What the clients sent and what the server answered, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = []  # (action, marker, case number, party name)
        self.refused = []  # markers the server answered with a refusal
        self.attempted = []  # every marker sent
        self.no_answer = 0  # requests cut off by a kill

    def cut_off(self):
        """An answer the kill cut off: the change may or may not be stored, and either is right."""
        with self.lock:
            self.no_answer += 1

    def add(self, kind, *item):
        with self.lock:
            getattr(self, kind).append(item if len(item) > 1 else item[0])


class Client(threading.Thread):
    def __init__(self, site, username, ids, ledger, stop, seed, prefix="M"):
        super().__init__(daemon=True)
        self.prefix = prefix
        self.browser = Browser(site, username)
        self.username, self.ids, self.ledger, self.stop = username, ids, ledger, stop
        self.rng = random.Random(seed)
        self.rng_seed = seed
        self.state = {}  # case number -> "registered" | "accepted", as this client knows it
        self.count = 0
        self.logged_in = False
        self.index = CLIENTS.index(username)

    def run(self):
        while not self.stop.is_set():
            try:
                if not self.logged_in:
                    self.browser.login()
                    self.logged_in = True
                self.step()
            except NO_ANSWER as error:
                refused = isinstance(getattr(error, "reason", error), ConnectionRefusedError)
                if not refused:  # the request reached a server that died before answering
                    self.ledger.cut_off()
                self.wait_for_server()

    def wait_for_server(self):
        while not self.stop.is_set():
            try:
                self.browser.request("/accounts/login/", timeout=5)
                return
            except NO_ANSWER:
                time.sleep(0.1)

    def marker(self):
        self.count += 1
        marker = f"{self.prefix}{self.rng_seed}-{self.username}-{self.count}"
        self.ledger.add("attempted", marker)
        return marker

    def step(self):
        registered = [n for n, s in self.state.items() if s == "registered"]
        accepted = [n for n, s in self.state.items() if s == "accepted"]
        roll = self.rng.random()
        if registered and roll < 0.45:
            self.accept(registered[0])
        elif accepted and roll < 0.7:
            self.note(self.rng.choice(accepted))
        else:
            self.register()

    def register(self):
        marker = self.marker()
        party = f"客{self.index}-{self.count}"
        phone = f"139{self.index:02d}{self.count:06d}"
        number = self.browser.register(self.ids, marker, party, phone)
        if number:
            self.ledger.add("acked", "register", marker, number, party)
            self.state[number] = "registered"
        elif number is None:
            self.ledger.cut_off()
        else:
            self.ledger.add("refused", marker)

    def accept(self, number):
        version = self.browser.version_for(number, "accept")
        if version is None:  # accepted by a request whose answer the kill cut off
            self.state[number] = "accepted"
            return
        marker = self.marker()
        done = self.browser.act(number, "accept", {"expected_version": version, "note": marker})
        if done:
            self.ledger.add("acked", "accept", marker, number, None)
            self.state[number] = "accepted"
        elif done is None:
            self.ledger.cut_off()
        else:
            self.ledger.add("refused", marker)

    def note(self, number):
        version = self.browser.version_for(number, "note")  # the page's hidden field, as a browser posts it
        marker = self.marker()
        done = self.browser.act(number, "note", {"expected_version": version, "text": marker})
        if done:
            self.ledger.add("acked", "note", marker, number, None)
        elif done is None:
            self.ledger.cut_off()
        else:
            self.ledger.add("refused", marker)


def lost_changes(db, acked, refused=()):
    """Every acknowledged change (`acked`: Ledger.acked items) that is missing, damaged or doubled, every timeline
    event without its audit record, and every refused submission that was stored anyway, as readable lines."""
    cases = {number: (pk, request) for pk, number, request in db.query("SELECT id, number, request FROM cases_case")}
    events = collections.defaultdict(list)
    for case_id, kind, note in db.query("SELECT case_id, kind, note FROM cases_event"):
        events[case_id].append((kind, note))
    parties = collections.defaultdict(list)
    for case_id, name in db.query("SELECT case_id, name FROM cases_party"):
        parties[case_id].append(name)
    audits = collections.Counter(
        (action, ref) for action, ref in db.query("SELECT action, object_ref FROM audit_auditrecord")
    )
    problems = []
    for action, marker, number, party in acked:
        if number not in cases:
            problems.append(f"{action} {marker}: case {number} missing")
            continue
        pk, request = cases[number]
        if action == "register":
            if marker not in request or parties[pk] != [party]:
                problems.append(f"register {marker}: case {number} damaged ({request!r}, {parties[pk]})")
            if [k for k, _n in events[pk]].count("register") != 1 or audits[("case.register", number)] != 1:
                problems.append(f"register {marker}: case {number} lacks its one event and audit record")
        elif [(k, n) for k, n in events[pk]].count((action, marker)) != 1:
            problems.append(f"{action} {marker}: event on {number} missing or doubled")
    # Every timeline event has its audit record, and the other way round (both written in one transaction).
    for number, (pk, _request) in cases.items():
        kinds = collections.Counter(k for k, _n in events[pk])
        for kind, n in kinds.items():
            if audits[(f"case.{kind}", number)] != n:
                problems.append(f"{number}: {n} {kind} events but {audits[(f'case.{kind}', number)]} audit records")
    # No submission twice, nothing from a refused one.
    seen = collections.Counter(MARKER.findall(" ".join(r for _pk, r in cases.values())))
    seen.update(n for evs in events.values() for k, n in evs if k in ("accept", "note") and n)
    problems += [f"{m} stored {c} times" for m, c in seen.items() if c > 1]
    problems += [f"refused {m} was stored" for m in refused if seen[m]]
    return problems


def start_clients(site, ids, seed, prefix="M"):
    """One client thread per CLIENTS persona, all logged in; returns (clients, ledger, stop event)."""
    ledger, stop = Ledger(), threading.Event()
    clients = [Client(site, name, ids, ledger, stop, seed + i, prefix) for i, name in enumerate(CLIENTS)]
    for client in clients:
        client.start()
    # Sessions live in the database and outlast every kill: log in once, before anything else happens.
    deadline = time.monotonic() + 120
    while not all(c.logged_in for c in clients) and time.monotonic() < deadline:
        time.sleep(0.1)
    return clients, ledger, stop


def stop_clients(clients, stop):
    stop.set()
    for client in clients:
        client.join(timeout=60)
