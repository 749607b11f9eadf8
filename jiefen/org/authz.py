"""Who may do what, in one place: the named role sets (DESIGN.md §2).

Every role rule of the project is written with these sets: the URL policy (jiefen.policy), the step registry
(jiefen.cases.steps), the menus and the pages. `scripts/lint_rules.py` refuses a role comparison anywhere else.

One scope object per user (`scope_of`) says how far their data reaches; every app's access functions ask it
rather than deriving it from the role and the unit again.
"""

from dataclasses import dataclass, field

from .models import Role, Unit

CLERK, LEADER, DIRECTOR = Role.CLERK, Role.LEADER, Role.DIRECTOR
HANDLER, MEDIATOR, SUPERVISOR = Role.HANDLER, Role.MEDIATOR, Role.SUPERVISOR

STAFF = frozenset(Role)
# The centre's leadership: the duty leader, the owning leaders (包案) and the director.
LEADERSHIP = frozenset({LEADER, DIRECTOR})
# The centre's own staff at the desk: registration, intake decisions, the whole township in view.
DESK = frozenset({CLERK, LEADER, DIRECTOR})
# Department and village staff, and grid workers and mediators: they act on cases of their own unit only.
UNIT_WORKERS = frozenset({HANDLER, MEDIATOR})
# The county supervisor reads and never writes.
READ_ONLY = frozenset({SUPERVISOR})
WORKERS = STAFF - READ_ONLY
# Reads of a centre as a whole (figures, visit lists): the desk and the county.
CENTRE_READ = DESK | READ_ONLY
# Who may open a case: the desk, leaders (also on their village visits), and grid workers reporting disputes.
REGISTERING = DESK | {MEDIATOR}
# The grid module (households, visits, the dispute ledger); handlers do not use it.
GRID = DESK | {MEDIATOR, SUPERVISOR}
GRID_WRITE = GRID - READ_ONLY
# 重点人群: the centre's leadership and the village's mediators only.
KEY_GROUPS = LEADERSHIP | {MEDIATOR}
# The centre's director (中心主任/管理员): plans the duty roster; with admin access, reads the centre's audit log
# and loads the official calendar.
DIRECTORS = frozenset({DIRECTOR})
# Department and village staff: they draft and serve written replies, and ask for extensions.
HANDLERS = frozenset({HANDLER})
# Grid workers and mediators: they act for the village their grid belongs to.
MEDIATORS = frozenset({MEDIATOR})
# Who takes the duty turns by default and may swap their own: the leaders (the director stands in when chosen).
ON_DUTY = frozenset({LEADER})


def in_roles(user, roles):
    """Whether `user` holds one of `roles` (an anonymous or inactive user holds none)."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in roles


def is_read_only(user):
    return in_roles(user, READ_ONLY)


# ---- the data scope -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """How far one user's data reaches (DESIGN.md §2), derived by `scope_of` and nowhere else.

    An active account with a unit has exactly one reach: `whole_centre` (the desk: their township), `county_wide`
    (the county supervisor, and desk roles posted above township level: every township below their unit), `local`
    (grid workers and mediators: their grid or village, and the cases of their unit) or `own_unit` (handlers: the
    cases of their unit). Anyone else reaches nothing. The access functions of each app (jiefen.cases.access,
    jiefen.grid.access, ...) turn this into filters; the accusation clause stays in jiefen.cases.access.
    """

    active: bool = False
    unit: Unit | None = None
    # The township (centre) the user works in: None at county level and without a unit.
    centre: Unit | None = None
    # The townships in reach, in register order (sort, code): the user's own, or every one below a county unit.
    centres: tuple = ()
    centre_ids: tuple = ()
    whole_centre: bool = False
    county_wide: bool = False
    local: bool = False
    # A grid worker's or mediator's village (the grid's village for a grid worker), and the grid of a grid worker.
    village: Unit | None = None
    grid: Unit | None = None
    # Handlers and mediators: ids of their unit's subtree (a mediator's: the village's), for the cases of the unit.
    unit_ids: tuple = ()
    read_only: bool = False
    # What the cache on the user object was derived from: a change to any of these derives the scope afresh.
    key: tuple = field(default=(), repr=False, compare=False)

    @property
    def county_read(self):
        """The county supervisor's reach beyond the case list (grid, leaders' visits, Excel): every township below
        their unit, read only. Desk roles posted above a township reach the county's cases (jiefen.cases.access)
        and nothing of the townships' households, ledgers or visits."""
        return self.county_wide and self.read_only

    @property
    def own_unit(self):
        return self.active and not (self.whole_centre or self.county_wide or self.local)


NOWHERE = Scope()


def scope_of(user):
    """The user's Scope, derived once per user object (a request's user: once per request) and kept on it."""
    key = (getattr(user, "pk", None), getattr(user, "role", None), getattr(user, "unit_id", None),
           getattr(user, "is_active", False))
    cached = getattr(user, "_scope", None)
    if cached is not None and cached.key == key:
        return cached
    scope = _derive(user, key)
    user._scope = scope
    return scope


def _derive(user, key):
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.unit_id is None:
        return Scope(key=key)
    unit, role = user.unit, user.role
    if unit.kind in (Unit.Kind.CITY, Unit.Kind.COUNTY):
        centre = None  # no township above a township: no query to find out
    else:
        centre = unit.township
    whole_centre = role in DESK and centre is not None
    county_wide = role in CENTRE_READ and not whole_centre
    local = role == MEDIATOR
    village = grid = None
    if local:
        grid = unit if unit.kind == Unit.Kind.GRID else None
        village = unit.village
    if county_wide:
        # A literal list of centres, not a join on the unit path: the planner then counts and pages by index. Staff
        # of the office that acts for a government (Unit.acts_for: the county's 信访局) reach its townships.
        above = unit.acts_for if unit.acts_for_id else unit
        centres = tuple(above.subtree().filter(kind=Unit.Kind.TOWNSHIP).order_by("sort", "code", "id"))
    else:
        centres = (centre,) if centre is not None else ()
    unit_ids = ()
    if role in UNIT_WORKERS:
        unit_ids = tuple((village or unit).subtree().values_list("id", flat=True))
    return Scope(
        active=True, unit=unit, centre=centre, centres=centres, centre_ids=tuple(c.pk for c in centres),
        whole_centre=whole_centre, county_wide=county_wide, local=local, village=village, grid=grid,
        unit_ids=unit_ids, read_only=role in READ_ONLY, key=key,
    )


# ---- what pages may offer ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Perms:
    """What the pages may offer a user, each named after what it allows: templates ask these (the context
    processor jiefen.org.context_processors.authz_flags puts them in every page as `authz`), never the role. A flag
    for a link uses the named set of that page's row in the URL policy (jiefen.policy), so the two agree."""

    # The leadership's own entries: the workbench (工作台) in the top bar, "only mine" on lists of visits.
    may_lead: bool = False
    # Household visit records (policy row grid:visit_detail): linked from a case's ledger entry.
    may_see_grid_visits: bool = False
    # Leaders' visit records (policy row leadership:visit_detail): linked from a case's 包案 section.
    may_see_leader_visits: bool = False
    # The one-time password page behind the user's name (leadership and administrators, see jiefen.accounts).
    may_set_otp: bool = False
    # A grid worker's households are listed before anything is typed; the centre's roles type first.
    lists_households: bool = False
    # The centre named in the top bar.
    centre: Unit | None = None
    # Desk staff of an organ above the townships (a county's 信访局): they hand items down (交办、转送) and review
    # what comes back (审核报结), instead of registering at a township's desk.
    may_hand_down: bool = False


def perms_of(user):
    if not getattr(user, "is_authenticated", False):
        return Perms()
    scope = scope_of(user)
    return Perms(
        may_lead=in_roles(user, LEADERSHIP),
        may_see_grid_visits=in_roles(user, GRID),
        may_see_leader_visits=in_roles(user, CENTRE_READ),
        may_set_otp=bool(user.is_staff) or in_roles(user, LEADERSHIP),
        lists_households=scope.local,
        centre=scope.centre,
        may_hand_down=hands_down(user),
    )


def hands_down(user):
    """Whether `user` is desk staff above the townships, with townships below them to hand items down to."""
    scope = scope_of(user)
    return in_roles(user, DESK) and scope.centre is None and bool(scope.centre_ids)
