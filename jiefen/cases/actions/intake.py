"""Registering a matter: the one intake input every channel fills (desk, API, Open311, portal, grid, leaders'
visits, Excel imports), its one validator, and the action that opens the case. A later contact on the same matter
is a step (jiefen.cases.steps.closing.do_record_contact)."""

import datetime as dt
import re
import secrets
from dataclasses import dataclass, fields, replace

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.org import authz
from jiefen.org.models import Unit, User

from .. import deadlines, extensions, law, queries, search
from ..errors import ActionError
from ..models import ACCUSABLE_KINDS, GROUP_SIZE, Case, CaseSequence, Category, Channel, Contact, LegalClass, Party
from ..personal import clean_id_number, clean_phone, keyed_hash
from ..steps.perform import ALLOWED_CLOCK_SKEW, announce, atomic_action, tracked, write_event

QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
MAX_REPRESENTATIVES = 5  # 信访工作条例 第二十条第三款: 多人走访提出共同事项的，推选代表，代表人数不得超过5人
# Units a 检举控告 registered here may name: those below the township. An accusation against the township itself or
# a unit above it goes to the level above, never to the accused.


def next_case_number(centre, year):
    seq, _created = CaseSequence.objects.select_for_update().get_or_create(centre=centre, year=year)
    CaseSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return f"{centre.code}-{year}-{seq.last:05d}"


@dataclass(frozen=True)
class PartyInput:
    """One person (or company) of a matter, as registered: ID number and phone already in canonical form."""

    name: str
    role: str = Party.Role.PETITIONER
    id_number: str = ""
    phone: str = ""
    address: str = ""
    village: Unit | None = None
    sms_consent: bool = False


@dataclass(frozen=True)
class Intake:
    """A matter to register, checked: build it with `Intake.build(user, ...)`, register it with
    `do_register_case(user, intake)`. Whatever the channel, these are the rules a new case passes."""

    centre: Unit
    kind: str
    channel: str
    legal_class: str
    category: Category
    request: str
    parties: tuple[PartyInput, ...]
    facts: str = ""
    village: Unit | None = None
    head_count: int = 1
    identity_unknown: bool = False
    accused_unit: Unit | None = None
    receiving_leader: User | None = None
    received_at: dt.datetime | None = None
    # 终结后重复信访: the earlier 终结 case of these people whose same facts and reasons this matter brings again.
    final_repeat_of: Case | None = None

    @classmethod
    def build(
        cls, user, *, kind, channel, legal_class, category, request, parties, facts="", village=None, head_count=1,
        identity_unknown=False, accused_unit=None, receiving_leader=None, received_at=None, final_repeat_of=None,
        centre=None,
    ):
        """Check what `user` is about to register and return it as an Intake; ActionError (a message in Chinese,
        and the field it is about) on the first problem. `parties` are dicts (or PartyInput) with name, role,
        id_number, phone, address and village; ID numbers and phones are cleaned here. `final_repeat_of`, if given,
        is one of these parties' 终结 cases in `user`'s scope (queries.final_cases_of). Fields left empty get the
        defaults of the apps above the core (jiefen.duty: a walk-in is received by the leader on duty). `centre` is
        the township an organ above hands the matter down to (jiefen.cases.actions.handover); a township's own
        staff register for their own."""
        centre = registrar_centre(user, centre)
        if kind not in Case.Kind.values:
            raise ActionError(_("请选择类别"), field="kind")
        if channel not in Channel.values:
            raise ActionError(_("请选择来源渠道"), field="channel")
        legal_class = _legal_class(kind, legal_class)
        category = _category(category)
        request = (request or "").strip()
        if not request:
            message = _("请填写纠纷情况") if kind == Case.Kind.DISPUTE else _("请填写诉求")
            raise ActionError(message, field="request")
        village = _village(centre, village)
        cleaned = _parties(kind, parties)
        if not isinstance(head_count, int) or head_count < 1:
            raise ActionError(_("来访人数至少为1人"), field="head_count")
        _representatives_of_a_group(kind, channel, head_count, cleaned)
        accused_unit = _accused_unit(centre, legal_class, accused_unit)
        if receiving_leader is not None and not _leads(receiving_leader, centre):
            raise ActionError(_("接待领导须为本中心领导班子成员"), field="receiving_leader")
        received_at = received_at or timezone.now()
        if received_at > timezone.now() + ALLOWED_CLOCK_SKEW:
            raise ActionError(_("登记时间不能晚于当前时间"), field="received_at")
        final_repeat_of = _final_repeat_of(user, cleaned, final_repeat_of)
        intake = cls(
            centre=centre, kind=kind, channel=channel, legal_class=legal_class, category=category, request=request,
            parties=cleaned, facts=(facts or "").strip(), village=village, head_count=head_count,
            identity_unknown=bool(identity_unknown), accused_unit=accused_unit, receiving_leader=receiving_leader,
            received_at=received_at, final_repeat_of=final_repeat_of,
        )
        return intake.with_defaults()

    def with_defaults(self):
        """This intake with the fields it leaves empty filled by the apps' defaults (intake_defaults)."""
        empty = {f.name for f in fields(self) if getattr(self, f.name) in (None, "")}
        found = defaults_for(self.centre, self.channel, self.received_at)
        filled = {name: value for name, value in found.items() if name in empty and value not in (None, "")}
        return replace(self, **filled) if filled else self

    @property
    def is_group(self):
        return self.head_count >= GROUP_SIZE


def registrar_centre(user, centre=None):
    """The centre `user` registers cases for; ActionError if their role or account may not register.

    A township's staff register for their own township, whatever `centre` says; the desk staff of an organ above
    (a county's 信访局) register only what they hand down, for the township `centre` below them."""
    if not authz.in_roles(user, authz.REGISTERING):
        raise ActionError(_("您的角色不能登记新案件，请由接待员登记"))
    scope = authz.scope_of(user)
    if scope.centre is None and centre is not None and authz.in_roles(user, authz.DESK):
        if not isinstance(centre, Unit) or centre.pk not in scope.centre_ids:
            raise ActionError(_("只能向本级所辖的乡镇（街道）交办、转送"), field="centre")
        return centre
    centre = scope.centre
    if centre is None:
        raise ActionError(_("您的账号未归属任何乡镇（街道）矛调中心，不能登记案件"))
    return centre


def defaults_for(centre, channel, received_at):
    """What the apps above the core propose for fields left empty on a matter received at `centre` by `channel`
    at `received_at` (the first app to name a field wins): e.g. {"receiving_leader": the leader on duty}."""
    found = {}
    for hook in extensions.intake_defaults:
        for name, value in (hook(centre, channel, received_at) or {}).items():
            found.setdefault(name, value)
    return found


def desk_initial(user):
    """The desk form's initial values for `user`: what a walk-in received now would get by default."""
    centre = authz.scope_of(user).centre
    return defaults_for(centre, Channel.VISIT, timezone.now()) if centre is not None else {}


def _legal_class(kind, legal_class):
    if kind == Case.Kind.DISPUTE:
        return LegalClass.DISPUTE  # a dispute for mediation is always a 民间纠纷
    if legal_class == LegalClass.DISPUTE:
        raise ActionError(
            _("信访事项请选择建议意见、检举控告或申诉求决；民间纠纷请选择“矛盾纠纷”类别"), field="legal_class"
        )
    if legal_class not in LegalClass.values:
        raise ActionError(_("请选择性质"), field="legal_class")
    return legal_class


def _category(category):
    if category is not None and not isinstance(category, Category):
        category = Category.objects.filter(pk=category).first() if str(category).isdigit() else None
    if category is None or category.pk is None:
        raise ActionError(_("请选择事项分类"), field="category")
    return category


def _village(centre, village):
    if village is None:
        return None
    if not isinstance(village, Unit) or village.kind != Unit.Kind.VILLAGE or not village.is_within(centre):
        raise ActionError(_("只能选择本乡镇（街道）的村（社区）"), field="village")
    return village


def _parties(kind, parties):
    cleaned, seen = [], {}
    for i, raw in enumerate(parties or ()):
        party = _party(i, raw)
        if party.id_number:
            if party.id_number in seen:
                raise ActionError(_("同一身份证号填写了两次"), field=f"parties.{i}.id_number")
            seen[party.id_number] = i
        cleaned.append(party)
    if not any(p.role != Party.Role.RESPONDENT for p in cleaned):
        # Someone brings the matter: a petitioner (信访人) or, in a dispute, the party who asks for mediation.
        if kind == Case.Kind.DISPUTE:
            raise ActionError(_("请至少填写一方当事人的姓名"), field="parties")
        raise ActionError(_("请至少填写一名信访人（当事人）"), field="parties")
    representatives = sum(1 for p in cleaned if p.role == Party.Role.REPRESENTATIVE)
    if representatives > MAX_REPRESENTATIVES:
        raise ActionError(_("集体访推选的代表不得超过%(n)s人") % {"n": MAX_REPRESENTATIVES}, field="parties")
    return tuple(cleaned)


def _representatives_of_a_group(kind, channel, head_count, parties):
    """A petition brought by a group's visit (GROUP_SIZE people or more) is registered with the representatives the
    group chose (law.REPRESENTATIVES: 推选代表, at most five): refused until at least one is named as 代表."""
    if kind != Case.Kind.PETITION or channel != Channel.VISIT or head_count < GROUP_SIZE:
        return
    if not any(p.role == Party.Role.REPRESENTATIVE for p in parties):
        raise ActionError(
            _("%(n)s人走访提出共同的信访事项，应当推选代表（不超过%(max)s人）：请将推选的代表登记为“代表”（%(cite)s）")
            % {"n": head_count, "max": MAX_REPRESENTATIVES, "cite": law.REPRESENTATIVES.cite},
            field="parties",
        )


def _party(i, raw):
    if isinstance(raw, PartyInput):
        raw = {f.name: getattr(raw, f.name) for f in fields(raw)}
    name = (raw.get("name") or "").strip()
    if not name:
        raise ActionError(_("请填写姓名"), field=f"parties.{i}.name")
    if len(name) > 50:
        raise ActionError(_("姓名不能超过50个字"), field=f"parties.{i}.name")
    role = raw.get("role") or Party.Role.PETITIONER
    if role not in Party.Role.values:
        raise ActionError(_("请选择当事人身份"), field=f"parties.{i}.role")
    address = (raw.get("address") or "").strip()
    if len(address) > 200:
        raise ActionError(_("住址不能超过200个字"), field=f"parties.{i}.address")
    values = {}
    for key, clean in (("id_number", clean_id_number), ("phone", clean_phone)):
        try:
            values[key] = clean(raw.get(key) or "")
        except ValidationError as invalid:
            raise ActionError(invalid.messages[0], field=f"parties.{i}.{key}") from None
    sms_consent = bool(raw.get("sms_consent"))
    if sms_consent and not re.fullmatch(r"1[3-9][0-9]{9}", values["phone"]):
        raise ActionError(_("同意短信告知的，请填写11位手机号码"), field=f"parties.{i}.phone")
    return PartyInput(name=name, role=role, address=address, village=raw.get("village"), sms_consent=sms_consent,
                      **values)


def _accused_unit(centre, legal_class, accused_unit):
    if accused_unit is None:
        return None
    if legal_class != LegalClass.ACCUSATION:
        raise ActionError(_("只有检举控告类事项才填写被检举控告单位"), field="accused_unit")
    if accused_unit.kind not in ACCUSABLE_KINDS or not accused_unit.is_within(centre):
        raise ActionError(
            _("检举控告乡镇（街道）本级或上级的，应转送上级机关处理，不在本中心登记"), field="accused_unit"
        )
    return accused_unit


def _final_repeat_of(user, parties, case):
    """The earlier case a 终结后重复信访 names (a Case or its id): one of the 终结 cases of these parties that `user`
    sees (queries.final_cases_of); None if none is named."""
    if case in (None, ""):
        return None
    pk = str(getattr(case, "pk", case))
    for party in parties:
        for found in queries.final_cases_of(keyed_hash(party.id_number), keyed_hash(party.phone), user):
            if str(found.pk) == pk:
                return found
    raise ActionError(_("所选的原案件不是该信访人已终结的同一事项，请重新选择"), field="final_repeat_of")


def _leads(user, centre):
    return authz.in_roles(user, authz.LEADERSHIP) and user.is_active and user.unit_id == centre.pk


@atomic_action
def do_register_case(acting_user, intake=None, /, **raw):
    """Open a new case with its parties and first contact; start its clocks. Returns the case.

    Pass an Intake built for `acting_user`, or the raw fields (as Intake.build takes them): either way the case
    passes the one intake check."""
    if intake is None:
        intake = Intake.build(acting_user, **raw)
    elif raw:
        raise TypeError("do_register_case takes an Intake or keyword fields, not both")
    elif registrar_centre(acting_user, intake.centre) != intake.centre:
        raise ActionError(_("只能登记本中心的案件"))
    return open_case(acting_user, intake)


def open_case(acting_user, intake):
    """Write the case `intake` describes: its number, parties, first contact, event, clocks and search entry.

    Only do_register_case (which checks who registers where) and an in-system transfer from another township
    (actions.handover.transfer: the sending township's step, registered in the receiving one) call this."""
    centre, received_at, head_count = intake.centre, intake.received_at, intake.head_count
    change = tracked(None)  # the daily figures count the new case, in this transaction
    case = Case.objects.create(
        number=next_case_number(centre, timezone.localtime(received_at).year),
        query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(6)),
        kind=intake.kind,
        centre=centre,
        channel=intake.channel,
        legal_class=intake.legal_class,
        category=intake.category,
        village=intake.village,
        request=intake.request,
        facts=intake.facts,
        accused_unit=intake.accused_unit,
        identity_unknown=intake.identity_unknown,
        is_group=intake.is_group,
        received_at=received_at,
        received_by=acting_user,
        receiving_leader=intake.receiving_leader,
        final_repeat_of=intake.final_repeat_of,
        contact_count=1,
        person_times=head_count,
    )
    Party.objects.bulk_create(
        Party(
            case=case,
            role=p.role,
            name=p.name,
            id_number=p.id_number,
            phone=p.phone,
            address=p.address,
            village=p.village or intake.village,
            id_number_hash=keyed_hash(p.id_number),
            phone_hash=keyed_hash(p.phone),
            sms_consent=p.sms_consent,
        )
        for p in intake.parties
    )
    Contact.objects.create(
        case=case,
        channel=intake.channel,
        occurred_at=received_at,
        head_count=head_count,
        receiving_leader=intake.receiving_leader,
        recorded_by=acting_user,
    )
    summary = _("登记%(channel)s，%(n)s人") % {"channel": Channel(intake.channel).label, "n": head_count}
    event = write_event(case, "register", acting_user, at=received_at, summary=summary, public=True)
    deadlines.apply_event(case, "register", timezone.localdate(received_at))
    search.index_case(case)
    announce(case, event)  # the apps' after-step hooks (a new online petition is told to the desk)
    record(acting_user, "case.register", case, status=case.status)
    change.done(case)
    return case
