"""The access policy: for every URL, which roles may use it, and how far their data reaches (issue 7).

One row per URL name. `PolicyMiddleware` enforces the role part for every request before the view runs, denying
any URL without a row; the views then apply data scope through the access functions (jiefen.cases.access and
its siblings), so an out-of-scope object is a 404 whatever the role. tests/test_access_policy.py walks every URL
pattern × every role × an in-scope, an out-of-scope and an accused-unit object against this table.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from jiefen.org.authz import (
    CENTRE_READ,
    DESK,
    DIRECTORS,
    GRID,
    GRID_WRITE,
    KEY_GROUPS,
    LEADERSHIP,
    READ_ONLY,
    STAFF,
    WORKERS,
    in_roles,
)


@dataclass(frozen=True)
class Rule:
    """Who may use a URL. `roles` may read (GET/HEAD); `write_roles` may send anything else (default: `roles`
    without the read-only supervisor). `scope` names how the view limits objects, for the reader and the walk test:
    "case" (access_case), "own" (the user's own rows), "centre" (the user's township), "none" (no object),
    "public" (anyone, no login), "token" (the API authenticates its own tokens)."""

    roles: frozenset
    scope: str
    write_roles: frozenset | None = None

    def may(self, user, method):
        if self.scope in ("public", "token"):
            return True
        if not user.is_authenticated:
            return True  # the view's login_required sends them to log in
        roles = self.roles if method in ("GET", "HEAD", "OPTIONS") else self.writers
        return in_roles(user, roles)

    @property
    def writers(self):
        return self.write_roles if self.write_roles is not None else self.roles - READ_ONLY


PUBLIC = Rule(frozenset(), "public")
TOKEN = Rule(frozenset(), "token")

POLICY = {
    # Accounts (jiefen.accounts). The one-time-password pages are for everyone signed in, read-only roles too.
    "login": PUBLIC,
    "admin_login": PUBLIC,
    "logout": Rule(STAFF, "none", write_roles=STAFF),
    "otp_verify": Rule(STAFF, "own", write_roles=STAFF),
    "otp_setup": Rule(STAFF, "own", write_roles=STAFF),
    # The case desk and cases (jiefen.cases).
    "home": Rule(STAFF, "centre"),
    "desk": Rule(DESK, "centre"),
    "desk_check": Rule(DESK, "centre"),
    "desk_route": Rule(DESK, "centre"),
    # 接口令牌: the centre's director makes and revokes the tokens of other systems (jiefen.api.views).
    "api_tokens": Rule(DIRECTORS, "centre"),
    "api_token_revoke": Rule(DIRECTORS, "centre"),
    # 交办、转送 by desk staff above the townships (the view refuses a township's own staff).
    "hand_down": Rule(DESK, "own"),
    "case_list": Rule(STAFF, "case"),
    "case_detail": Rule(STAFF, "case"),
    "case_act": Rule(WORKERS, "case"),
    "case_receipt": Rule(STAFF, "case"),
    "case_reveal": Rule(WORKERS, "case"),
    "case_notice": Rule(STAFF, "case"),
    "case_document": Rule(STAFF, "case"),
    "case_issued": Rule(STAFF, "case"),
    "case_service_receipt": Rule(STAFF, "case"),
    # 一人一档: one person's cases across the deployment, only those of the viewer's scope (jiefen.cases.people).
    "person": Rule(STAFF, "case"),
    # Notifications and supervision (jiefen.notify).
    "notifications": Rule(STAFF, "own"),
    "notification_bell": Rule(STAFF, "own"),
    "notification_read_all": Rule(STAFF, "own", write_roles=STAFF),
    "notification_open": Rule(STAFF, "own"),
    "notification_read": Rule(STAFF, "own", write_roles=STAFF),
    "supervision_notice": Rule(STAFF, "case"),
    "supervision_notice_of": Rule(STAFF, "case"),
    # Leadership: 包案 and 下访 (jiefen.leadership).
    "leadership:mine": Rule(LEADERSHIP, "own"),
    "leadership:visits": Rule(CENTRE_READ, "centre"),
    "leadership:visit_new": Rule(DESK, "centre"),
    "leadership:visit_detail": Rule(CENTRE_READ, "centre"),
    "leadership:visit_open_case": Rule(DESK, "centre"),
    "leadership:visit_contact": Rule(DESK, "centre"),
    # The duty roster (jiefen.duty).
    "duty_calendar": Rule(STAFF, "centre"),
    "duty_generate": Rule(DIRECTORS, "centre"),
    "duty_edit": Rule(DIRECTORS, "centre"),
    "duty_swap": Rule(LEADERSHIP, "centre"),
    "duty_public": PUBLIC,
    "duty_public_pdf": PUBLIC,
    # Grid visits, the dispute ledger, campaigns, key groups (jiefen.grid).
    "grid:index": Rule(GRID, "centre"),
    "grid:visits": Rule(GRID, "centre"),
    "grid:visit_new": Rule(GRID_WRITE, "centre"),
    "grid:household_pick": Rule(GRID_WRITE, "centre"),
    "grid:visit_detail": Rule(GRID, "centre"),
    "grid:visit_dispute": Rule(GRID_WRITE, "centre"),
    "grid:households": Rule(GRID, "centre"),
    "grid:household_new": Rule(GRID_WRITE, "centre"),
    "grid:household_detail": Rule(GRID, "centre"),
    "grid:household_edit": Rule(GRID_WRITE, "centre"),
    "grid:grid_detail": Rule(GRID, "centre"),
    "grid:coverage": Rule(GRID, "centre"),
    "grid:ledger": Rule(GRID, "centre"),
    "grid:ledger_new": Rule(GRID_WRITE, "centre"),
    "grid:visitors": Rule(GRID, "centre"),
    "grid:visitor_new": Rule(DESK, "centre"),
    "grid:visitor_edit": Rule(DESK, "centre"),
    "grid:campaigns": Rule(GRID, "centre"),
    "grid:campaign_new": Rule(LEADERSHIP, "centre"),
    "grid:campaign_detail": Rule(GRID, "centre"),
    "grid:key_people": Rule(KEY_GROUPS, "centre"),
    "grid:key_person_new": Rule(LEADERSHIP, "centre"),
    "grid:key_person_detail": Rule(KEY_GROUPS, "centre"),
    "grid:key_person_visit": Rule(KEY_GROUPS, "centre"),
    "grid:key_person_unlist": Rule(LEADERSHIP, "centre"),
    # Excel in and out (jiefen.excel): imports by the desk and leadership; exports follow the grid scope.
    "excel:index": Rule(GRID, "centre"),
    "excel:upload": Rule(DESK, "centre"),
    "excel:template": Rule(CENTRE_READ, "none"),
    "excel:job": Rule(CENTRE_READ, "own"),
    "excel:export_ledger": Rule(GRID, "centre"),
    "excel:export_visits": Rule(GRID, "centre"),
    # 上级交办事项 and their results, to send up: the township's desk (the view refuses desk staff above it).
    "excel:export_exchange": Rule(DESK, "centre"),
    # 表单台账 (jiefen.excel.forms_views): the case ledger and the per-case forms for everyone who reads cases (their
    # scope decides the rows); the registers of visits, letters and leaders' receptions are the centre's (the desk,
    # and the county read-only); an export job is its requester's alone.
    "excel:forms": Rule(STAFF, "case"),
    "excel:export_cases": Rule(STAFF, "case"),
    "excel:visit_form": Rule(STAFF, "case"),
    "excel:supervision_letter": Rule(STAFF, "case"),
    "excel:visits_register": Rule(CENTRE_READ, "centre"),
    "excel:letters_register": Rule(CENTRE_READ, "centre"),
    "excel:receptions_register": Rule(CENTRE_READ, "centre"),
    "excel:export_job": Rule(STAFF, "own"),
    "excel:export_job_run": Rule(STAFF, "own", write_roles=STAFF),
    "excel:export_job_file": Rule(STAFF, "own"),
    # Figures, dashboards and the analysis meeting (jiefen.figures): read by the centre and the county; meetings
    # are held by the centre's leadership; a decision's owner (any staff) reports it done.
    "figures:dashboard": Rule(CENTRE_READ, "centre"),
    "figures:meetings": Rule(CENTRE_READ, "centre", write_roles=LEADERSHIP),
    "figures:meeting": Rule(CENTRE_READ, "centre", write_roles=LEADERSHIP),
    "figures:meeting_notes": Rule(CENTRE_READ, "centre", write_roles=LEADERSHIP),
    "figures:meeting_hold": Rule(CENTRE_READ, "centre", write_roles=LEADERSHIP),
    "figures:meeting_decide": Rule(CENTRE_READ, "centre", write_roles=LEADERSHIP),
    "figures:meeting_export": Rule(CENTRE_READ, "centre"),
    "figures:my_decisions": Rule(STAFF, "own"),
    "figures:decision_done": Rule(STAFF, "own"),
    # Early warning (jiefen.warning): the leadership studies its township's warnings (已研判); their reasons name
    # key people (重点人员), a register of the leadership's.
    "warning:list": Rule(LEADERSHIP, "case"),
    "warning:acknowledge": Rule(LEADERSHIP, "case"),
}

# Whole namespaces with one rule: the Django admin checks is_staff and model permissions itself.
NAMESPACES = {
    "admin": Rule(STAFF, "none", write_roles=STAFF),
    # The public portal: citizens, no login; tracking is by case number and query code (jiefen.portal).
    "portal": PUBLIC,
    # The open API authenticates its tokens and checks each token's permissions itself (jiefen.api). GeoReport v2's
    # reads need no key and then publish only what its reporters sent in, without personal data (api/georeport.py).
    "api": TOKEN,
}


def rule_for(view_name):
    """The policy row of a URL name ("app:name"), or None when the table has none."""
    if view_name in POLICY:
        return POLICY[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else None
    return NAMESPACES.get(namespace)


class PolicyMiddleware:
    """Refuse, before any view runs, a request whose role the policy table does not allow (403), and any URL the
    table does not list at all (deny by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name is None:
            return
        rule = rule_for(match.view_name)
        if rule is None:
            raise PermissionDenied("此页面未列入访问策略")
        if not rule.may(request.user, request.method):
            raise PermissionDenied("您的角色无权访问此页面")
        return


# The main menu's entries, by URL name: each is offered exactly when the policy lets the user open it.
MENU = (
    "desk", "leadership:mine", "figures:dashboard", "grid:index", "excel:index", "excel:forms", "figures:my_decisions",
    "api_tokens", "warning:list",
)


def menu(request):
    """Context processor: `menu.<url name with : as _>` is True when the user may open that menu entry's page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": {}}
    return {"menu": {name.replace(":", "_"): rule_for(name).may(user, "GET") for name in MENU}}
