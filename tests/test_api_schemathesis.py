"""schemathesis against the API's own OpenAPI document, on a real server on loopback: no 5xx, responses as documented.

The live server is pytest-django's (a thread of this process, on the test database), seeded with a township, its
staff, a few cases and a token with every permission acting as the duty leader, so that every operation, the
workflow steps included, is reached with data it accepts as well as data it must refuse.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jiefen.api.models import Scope
from jiefen.api.tokens import do_create_api_token
from jiefen.cases.models import Category

from .factories import build_org, build_personas, register, reseed

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def schemathesis_cli():
    found = Path(sys.executable).with_name("st")
    return str(found) if found.exists() else shutil.which("st")


def test_the_api_keeps_to_its_openapi_document(live_server, tmp_path):
    reseed()
    org = build_org()
    people = build_personas(org)
    for i in range(3):
        register(people["clerk"], village=org["village_a"], request=f"诉求{i}")
    register(people["clerk"], category=Category.objects.get(name="社会保障"))
    raw = do_create_api_token(people["leader"], name="schemathesis", scopes=list(Scope.values))[1]
    command = [
        schemathesis_cli(), "run", f"{live_server.url}/api/openapi.json",
        "--header", f"Authorization: Bearer {raw}",
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", "10", "--seed", "20261126", "--generation-deterministic",
        "--workers", "1", "--request-timeout", "30",
        "--no-color", "--report-dir", str(tmp_path),
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env, check=False)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
