"""Registering a matter at the desk, and recording a later contact on the same matter."""

import secrets

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.figures import counting as figures
from jiefen.org.models import Role, Unit

from .. import deadlines, search
from ..models import Case, CaseSequence, Channel, Contact, Event, LegalClass, Party
from ..personal import keyed_hash
from .core import ALLOWED_CLOCK_SKEW, ActionError, atomic_action, check_step, perform

QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
MAX_REPRESENTATIVES = 5  # 信访工作条例 第十八条: 多人提出同一事项的，推选代表，代表人数不超过5人
GROUP_SIZE = 5  # 5人以上为集体访


def next_case_number(centre, year):
    seq, _created = CaseSequence.objects.select_for_update().get_or_create(centre=centre, year=year)
    CaseSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return f"{centre.code}-{year}-{seq.last:05d}"


# Who may open a case: the desk, leaders (also on their village visits), and grid workers reporting disputes.
REGISTERING_ROLES = {Role.CLERK, Role.LEADER, Role.DIRECTOR, Role.MEDIATOR}


def _check_intake(user, centre, legal_class, accused_unit, parties, head_count):
    if user.role not in REGISTERING_ROLES:
        raise ActionError(_("您的角色不能登记新案件，请由接待员登记"))
    if centre is None:
        raise ActionError(_("您的账号未归属任何乡镇（街道）矛调中心，不能登记案件"))
    if not parties:
        raise ActionError(_("请至少填写一名信访人（当事人）"))
    representatives = sum(1 for p in parties if p.get("role") == Party.Role.REPRESENTATIVE)
    if representatives > MAX_REPRESENTATIVES:
        raise ActionError(_("集体访推选的代表不得超过%(n)s人") % {"n": MAX_REPRESENTATIVES}, field="parties")
    if head_count < 1:
        raise ActionError(_("来访人数至少为1人"), field="head_count")
    if accused_unit is not None:
        if legal_class != LegalClass.ACCUSATION:
            raise ActionError(_("只有检举控告类事项才填写被检举控告单位"), field="accused_unit")
        if accused_unit.kind not in (Unit.Kind.DEPARTMENT, Unit.Kind.VILLAGE, Unit.Kind.GRID) or not accused_unit.is_within(centre):
            raise ActionError(
                _("检举控告乡镇（街道）本级或上级的，应转送上级机关处理，不在本中心登记"), field="accused_unit"
            )


@atomic_action
def do_register_case(
    acting_user,
    *,
    kind,
    channel,
    legal_class,
    category,
    request,
    parties,
    facts="",
    village=None,
    head_count=1,
    identity_unknown=False,
    accused_unit=None,
    receiving_leader=None,
    received_at=None,
):
    """Open a new case with its parties and first contact; start its clocks. Returns the case."""
    centre = acting_user.unit.township if acting_user.unit_id else None
    _check_intake(acting_user, centre, legal_class, accused_unit, parties, head_count)
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + ALLOWED_CLOCK_SKEW:
        raise ActionError(_("登记时间不能晚于当前时间"), field="received_at")
    if kind == Case.Kind.DISPUTE and legal_class != LegalClass.DISPUTE:
        legal_class = LegalClass.DISPUTE
    case = Case.objects.create(
        number=next_case_number(centre, timezone.localtime(received_at).year),
        query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(6)),
        kind=kind,
        centre=centre,
        channel=channel,
        legal_class=legal_class,
        category=category,
        village=village,
        request=request,
        facts=facts,
        accused_unit=accused_unit,
        identity_unknown=identity_unknown,
        is_group=head_count >= GROUP_SIZE,
        received_at=received_at,
        received_by=acting_user,
        receiving_leader=receiving_leader,
        contact_count=1,
        person_times=head_count,
    )
    Party.objects.bulk_create(
        Party(
            case=case,
            role=p.get("role") or Party.Role.PETITIONER,
            name=p["name"],
            id_number=p.get("id_number", ""),
            phone=p.get("phone", ""),
            address=p.get("address", ""),
            village=p.get("village") or village,
            id_number_hash=keyed_hash(p.get("id_number", "")),
            phone_hash=keyed_hash(p.get("phone", "")),
        )
        for p in parties
    )
    Contact.objects.create(
        case=case,
        channel=channel,
        occurred_at=received_at,
        head_count=head_count,
        receiving_leader=receiving_leader,
        recorded_by=acting_user,
    )
    summary = _("登记%(channel)s，%(n)s人") % {"channel": Channel(channel).label, "n": head_count}
    Event.objects.create(
        case=case, kind="register", at=received_at, actor=acting_user, to_status=case.status, summary=summary, public=True
    )
    deadlines.apply_event(case, "register", timezone.localtime(received_at).date())
    search.index_case(case)
    record(acting_user, "case.register", case, status=case.status)
    figures.update(case, figures.Counter())  # count the new case in the daily figures
    return case


@atomic_action
def do_record_contact(acting_user, case, *, channel, head_count=1, note="", receiving_leader=None, occurred_at=None):
    """Record a later visit, letter or call on an existing case: person-times add up, the case counts once."""
    check_step(acting_user, case, "contact")
    if head_count < 1:
        raise ActionError(_("来访人数至少为1人"), field="head_count")
    occurred_at = occurred_at or timezone.now()

    def add_contact(case, event):
        Contact.objects.create(
            case=case,
            channel=channel,
            occurred_at=occurred_at,
            head_count=head_count,
            receiving_leader=receiving_leader,
            recorded_by=acting_user,
            note=note,
        )

    summary = _("再次%(channel)s，%(n)s人") % {"channel": Channel(channel).label, "n": head_count}
    perform(
        case,
        "contact",
        acting_user,
        expected_version=None,
        summary=summary,
        note=note,
        changes={
            "contact_count": F("contact_count") + 1,
            "person_times": F("person_times") + head_count,
            **({"is_group": True} if head_count >= GROUP_SIZE else {}),
        },
        data={"head_count": head_count, "channel": channel},
        extra=add_contact,
        at=occurred_at,
    )
    return case
