"""Content-Security-Policy on every page: the header is there, and no page carries an inline script or handler.

A director (a superuser in the demo, so the admin is walked too) and an anonymous visitor crawl the demo from every
URL pattern that takes no argument, following links, at most a few URLs of each shape (so every case page is not
fetched); every response must carry the policy, and every HTML body must be free of <script> without src (JSON data
blocks aside) and of on*="" handler attributes.
"""

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from jiefen.org.models import User

MAX_PAGES = 400
PER_SHAPE = 2
NEVER_FOLLOW = ("/accounts/logout/", "/static/", "/media/")


class InlineScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.links = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
        if (
            tag == "script" and not attributes.get("src")
            and (attributes.get("type") or "").lower() != "application/json"
        ):
            self.problems.append("<script> without src")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def argument_free_paths(patterns=None, prefix=""):
    """'/'-rooted paths of every URL pattern that takes no argument."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route or "\\" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from argument_free_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def shape(path):
    """The path with its identifiers blanked: /cases/2026-0012/ and /cases/2026-0013/ have one shape."""
    return re.sub(r"[0-9][0-9A-Za-z\-]*", "#", urlsplit(path).path)


def crawl(client):
    """Visit pages breadth-first; return ({url: problems}, number of pages visited)."""
    start = sorted(set(argument_free_paths()))
    queue, seen, shapes, problems = deque(start), set(start), Counter(shape(url) for url in start), {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        found = []
        if response.status_code >= 500:
            found.append(f"status {response.status_code}")
        policy = response.headers.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy.split("script-src", 1)[-1].split(";")[0]:
            found.append(f"Content-Security-Policy is {policy!r}")
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            parser = InlineScriptFinder()
            parser.feed(response.content.decode())
            found += parser.problems
            for href in parser.links:
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target in seen or target.startswith(NEVER_FOLLOW) or shapes[shape(target)] >= PER_SHAPE:
                    continue
                seen.add(target)
                shapes[shape(target)] += 1
                queue.append(target)
        if found:
            problems[url] = found
    return problems, visited


# Rendering does not depend on the database, and seeding the demo on PostgreSQL takes minutes of CI: the crawl of
# the demo runs on SQLite, while the access walk (tests/test_access_policy.py) checks the policy and inline scripts
# of every URL pattern as every role on both databases.
demo_database = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the demo crawl runs on SQLite; the access walk covers PostgreSQL"
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module inside a transaction rolled back at the end."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    return demo


@demo_database
def test_every_page_a_director_reaches_has_the_policy_and_no_inline_script(seeded):
    director = User.objects.filter(role="director", is_superuser=True).order_by("pk").first()
    client = Client()
    client.force_login(director)
    problems, visited = crawl(client)
    assert visited > 30
    assert problems == {}, "\n".join(f"{url}: {', '.join(p)}" for url, p in problems.items())


@demo_database
def test_every_page_an_anonymous_visitor_reaches_has_the_policy_and_no_inline_script(seeded):
    problems, visited = crawl(Client())
    assert visited > 5
    assert problems == {}, "\n".join(f"{url}: {', '.join(p)}" for url, p in problems.items())


def test_the_policy_allows_no_inline_script(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy
