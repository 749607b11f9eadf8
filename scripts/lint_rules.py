#!/usr/bin/env python3
"""The project's own rules, kept as lint rather than as memory (STYLE.md §12; the idea is zulip's
tools/linter_lib/custom_check.py: each rule a pattern, a reason and a short, justified list of exempt files).

- role: who may do what is written with the named role sets of jiefen.org.authz and its scope object (scope_of),
  never by comparing a user's role (`user.role == ...`, `user.role in ...`, `... != Role.X`, `Role.X in ...`,
  `{% if user.role == "leader" %}` in templates) or filtering people by role (`role=Role.X`, `role__in=...`)
  elsewhere. The role of a party or of a task-force member (Party.Role, TaskForceMember.Role) is not a user's role
  and is not concerned.
- case-objects: every read of a case goes through the one read path (jiefen.cases.access: the user's scope, the
  citizen's number and query code), every write through the actions; `Case.objects` appears nowhere else.

Usage: scripts/lint_rules.py [PATH ...] (default: the jiefen package). Plain Python, no dependencies. Prints
`file:line: [rule] reason` for each finding and exits 1 if there is any.
"""

import ast
import fnmatch
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Modules allowed to speak of roles directly, each for a reason.
ROLE_ALLOWED = [
    "jiefen/org/authz.py",  # the named role sets, in_roles and scope_of: the one home of role rules
    "jiefen/org/models.py",  # the Role enum and the user's role field themselves
    "jiefen/org/queries.py",  # the few queries that pick people by role (a centre's leadership, its director)
    "*/migrations/*",  # history: frozen as it was written
    # Demo, synthetic and benchmark data create people of every role.
    "jiefen/demo/*", "jiefen/ops/*",
]

# Modules allowed to use Case.objects, each for a reason.
CASE_ALLOWED = [
    "jiefen/cases/access.py",  # the one read path: the user's scope, the citizen's way in, centre-wide reads
    "jiefen/cases/actions/*",  # the one write path
    "jiefen/cases/steps/*",  # the steps' actions are the write path too
    "jiefen/cases/deadlines.py",  # the clock engine, inside the actions, keeps the case's derived next due date
    "jiefen/figures/counting.py",  # the figures' recount reads every case of a centre, for no user
    "*/migrations/*",  # history
    # Demo and synthetic data, benchmarks and operations commands work on the database as a whole.
    "jiefen/demo/*", "jiefen/ops/*",
]

# A role compared in a template tag: {% if user.role == "leader" %}, {% if x.role in roles %}, ...
TEMPLATE_ROLE = re.compile(r"{%[^%]*?\.role\s*(==|!=|\bin\b|\bnot\s+in\b)[^%]*%}")


def relative(path):
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def allowed(name, patterns):
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def is_role_enum(node):
    """`Role.X` (jiefen.org.models.Role), not `Party.Role.X` or `self.Role.X`."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"


def is_other_enum(node):
    """Something of another model's nested Role enum: `Party.Role.X`, `p.Role.X`, `[Party.Role.X, ...]`."""
    return any(isinstance(n, ast.Attribute) and n.attr == "Role" for n in ast.walk(node))


ROLE_NAMES = {role.upper() for role in ("clerk", "leader", "director", "handler", "mediator", "supervisor")}


def names_a_role(node):
    """`Role.X`, or one of jiefen.org.authz's role constants (`authz.DIRECTOR`, `DIRECTOR`)."""
    if is_role_enum(node):
        return True
    if isinstance(node, ast.Attribute) and node.attr in ROLE_NAMES:
        return not is_other_enum(node)
    return isinstance(node, ast.Name) and node.id in ROLE_NAMES


def is_role_field(node):
    return isinstance(node, ast.Attribute) and node.attr == "role"


def is_case_manager(node):
    """`Case.objects` (or its other managers), with Case the model: a Name or a `models.Case` attribute."""
    if not (isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager")):
        return False
    base = node.value
    return isinstance(base, ast.Name) and base.id == "Case" or isinstance(base, ast.Attribute) and base.attr == "Case"


ROLE_LOOKUP = re.compile(r"(^|__)role$")
ROLES_LOOKUP = re.compile(r"(^|__)role__in$")


COMPARES_ENUM = "compares against Role.X: use a named set of jiefen.org.authz"
COMPARES_ROLE = "compares a role: use authz.in_roles with a named set, or authz.scope_of"
FILTERS_BY_ROLE = "filters people by role ({}=): put the query in jiefen.org.queries"
READS_CASES = "reads cases around the access path: use jiefen.cases.access (cases_for, access_case, ...)"


class Finder(ast.NodeVisitor):
    def __init__(self, check_roles, check_cases):
        self.check_roles, self.check_cases = check_roles, check_cases
        self.found = []

    def visit_Compare(self, node):
        if self.check_roles:
            operands = [node.left, *node.comparators]
            if any(is_role_enum(o) for o in operands):
                self.found.append((node.lineno, "role", COMPARES_ENUM))
            elif any(is_role_field(o) for o in operands) and not any(is_other_enum(o) for o in operands):
                self.found.append((node.lineno, "role", COMPARES_ROLE))
        self.generic_visit(node)

    def visit_Call(self, node):
        if self.check_roles:
            for keyword in node.keywords:
                if not keyword.arg:
                    continue
                by_role = ROLE_LOOKUP.search(keyword.arg) and names_a_role(keyword.value)
                if by_role or (ROLES_LOOKUP.search(keyword.arg) and not is_other_enum(keyword.value)):
                    self.found.append((node.lineno, "role", FILTERS_BY_ROLE.format(keyword.arg)))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if self.check_cases and is_case_manager(node):
            self.found.append((node.lineno, "case-objects", READS_CASES))
        self.generic_visit(node)


def lint_python(path, name):
    check_roles, check_cases = not allowed(name, ROLE_ALLOWED), not allowed(name, CASE_ALLOWED)
    if not (check_roles or check_cases):
        return []
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
    except SyntaxError as error:
        return [(error.lineno or 0, "syntax", str(error.msg))]
    finder = Finder(check_roles, check_cases)
    finder.visit(tree)
    return finder.found


def lint_template(path, name):
    if allowed(name, ROLE_ALLOWED):
        return []
    found = []
    text = path.read_text(encoding="utf-8")
    for match in TEMPLATE_ROLE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(
            (line, "role", "a template compares a role: ask a flag of `authz` or `menu.<url name>` (jiefen.policy)")
        )
    return found


def files(paths):
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".py", ".html") and p.is_file())
        elif path.suffix in (".py", ".html"):
            yield path


def main(argv):
    paths = [Path(a) for a in argv] or [ROOT / "jiefen"]
    findings = []
    for path in files(paths):
        name = relative(path)
        lint = lint_python if path.suffix == ".py" else lint_template
        findings += [(name, line, rule, reason) for line, rule, reason in lint(path, name)]
    for name, line, rule, reason in sorted(findings):
        print(f"{name}:{line}: [{rule}] {reason}")
    if findings:
        print(f"{len(findings)} finding(s): see the rules at the top of scripts/lint_rules.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
