"""Leaders' visits to villages (下访, "四下基层"): recording one, and taking a matter heard there onto a case in one
step, through the desk's own actions (a new case, or a contact on an existing one)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.actions import ActionError, do_record_contact, do_register_case
from jiefen.cases.models import Channel
from jiefen.org import authz
from jiefen.org.models import Unit

from .models import LeaderVisit, VisitCase

# Visits record the day, not the hour: a matter heard on an earlier day counts as received at noon of that day
# (only the day matters to the clocks, which start the day after receipt).
HEARD_AT = dt.time(12, 0)


def _required(value, message, field):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(message, field=field)
    return value.strip() if isinstance(value, str) else value


def _check_recorder(user):
    if not authz.in_roles(user, authz.DESK):
        raise ActionError(_("只有中心领导和接待员可以登记下访"))
    centre = authz.scope_of(user).centre
    if centre is None:
        raise ActionError(_("您的账号未归属任何乡镇（街道）矛调中心"))
    return centre


@transaction.atomic
def do_record_visit(user, *, leader=None, visited_on=None, village=None, people_met="", head_count=1, matters=""):
    """Record a leader's visit to a village of the centre; one audit record."""
    centre = _check_recorder(user)
    leader = _required(leader, _("请选择下访领导"), "leader")
    if not authz.in_roles(leader, authz.LEADERSHIP) or leader.unit_id != centre.pk:
        raise ActionError(_("下访领导须为本中心领导班子成员"), field="leader")
    visited_on = _required(visited_on, _("请填写下访日期"), "visited_on")
    if visited_on > timezone.localdate():
        raise ActionError(_("下访日期不能晚于今天"), field="visited_on")
    village = _required(village, _("请选择村（社区）"), "village")
    if village.kind != Unit.Kind.VILLAGE or not village.is_within(centre):
        raise ActionError(_("只能选择本乡镇（街道）的村（社区）"), field="village")
    people_met = _required(people_met, _("请填写接谈对象"), "people_met")
    matters = _required(matters, _("请填写听取的问题"), "matters")
    if head_count < 1:
        raise ActionError(_("接谈人数至少为1人"), field="head_count")
    visit = LeaderVisit.objects.create(
        centre=centre, leader=leader, visited_on=visited_on, village=village, people_met=people_met,
        head_count=head_count, matters=matters, recorded_by=user, recorded_at=timezone.now(),
    )
    record(user, "visit.record", visit, leader=leader.pk, village=village.pk)
    return visit


def heard_at(visit):
    """When a matter heard on `visit` was received: now if the visit is today's, else noon of its day."""
    if visit.visited_on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(visit.visited_on, HEARD_AT))


@transaction.atomic
def do_open_case_from_visit(user, visit, *, kind, legal_class, category, request, party, facts="", head_count=1,
                            identity_unknown=False, accused_unit=None):
    """Register a matter heard on `visit` as a new case (channel 来访, received by the visiting leader), and note on
    the visit which case it opened. Returns the case."""
    _check_recorder(user)
    case = do_register_case(
        user, kind=kind, channel=Channel.VISIT, legal_class=legal_class, category=category, request=request,
        facts=facts, parties=[party], village=visit.village, head_count=head_count, identity_unknown=identity_unknown,
        accused_unit=accused_unit, receiving_leader=visit.leader, received_at=heard_at(visit),
    )
    VisitCase.objects.create(visit=visit, case=case, kind=VisitCase.Kind.OPENED, at=timezone.now())
    return case


@transaction.atomic
def do_add_visit_contact(user, visit, case, *, head_count=1, note=""):
    """Record a matter heard on `visit` as a contact on the existing `case` (a repeat matter is never a new case)."""
    note = _required(note, _("请填写接谈情况"), "note")
    where = _("%(leader)s下访%(village)s接谈") % {"leader": visit.leader.display_name, "village": visit.village.name}
    do_record_contact(
        user, case, channel=Channel.VISIT, head_count=head_count, note=f"{where}：{note}",
        receiving_leader=visit.leader, occurred_at=heard_at(visit),
    )
    VisitCase.objects.create(visit=visit, case=case, kind=VisitCase.Kind.CONTACT, at=timezone.now())
    return case
