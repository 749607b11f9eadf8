"""scripts/lint_rules.py: the project's own rules (STYLE.md §12) refuse what they should, and the repository keeps
them."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = ROOT / "scripts" / "lint_rules.py"


def lint(*paths):
    return subprocess.run(
        [sys.executable, str(LINT), *map(str, paths)], capture_output=True, text=True, cwd=ROOT, check=False
    )


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_role_comparison_a_role_filter_and_an_unscoped_case_read_are_refused_with_file_and_line(tmp_path):
    bad = write(tmp_path, "bad.py", """
        from jiefen.cases.models import Case
        from jiefen.org.models import Role, User

        def page(user):
            if user.role == Role.CLERK:
                return None
            if user.role in ("leader", "director"):
                return None
            if Role.SUPERVISOR in {user.role}:
                return None
            leaders = User.objects.filter(role__in=[Role.LEADER, Role.DIRECTOR])
            directors = User.objects.filter(unit__staff__role=Role.DIRECTOR)
            return Case.objects.filter(number="X"), leaders, directors
    """)
    result = lint(bad)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for line, rule in [(5, "role"), (7, "role"), (9, "role"), (11, "role"), (12, "role"), (13, "case-objects")]:
        assert any(f"bad.py:{line}: [{rule}]" in found for found in lines), (line, rule, lines)
    assert len(lines) == 6


def test_a_template_comparing_a_role_is_refused(tmp_path):
    page = write(tmp_path, "page.html", """
        <nav>
        {% if user.role == "leader" or user.role == "director" %}<a href="/">工作台</a>{% endif %}
        </nav>
    """)
    result = lint(page)
    assert result.returncode == 1
    assert "page.html:2: [role]" in result.stdout


def test_named_sets_the_scope_and_the_roles_of_parties_pass(tmp_path):
    good = write(tmp_path, "good.py", """
        from jiefen.cases.access import cases_for
        from jiefen.cases.models import Party
        from jiefen.org import authz

        def page(user, parties):
            if authz.in_roles(user, authz.LEADERSHIP) or authz.scope_of(user).read_only:
                return None
            applicants = [p for p in parties if p.role != Party.Role.RESPONDENT]
            others = Party.objects.filter(role__in=[Party.Role.REPRESENTATIVE]).exclude(role=Party.Role.RESPONDENT)
            return cases_for(user).filter(number="X"), applicants, others
    """)
    template = write(tmp_path, "good.html", '{% if authz.may_lead %}<a href="/">工作台</a>{% endif %}\n')
    result = lint(good, template)
    assert result.returncode == 0, result.stdout


def test_the_repository_keeps_the_rules():
    result = lint()
    assert result.returncode == 0, result.stdout
