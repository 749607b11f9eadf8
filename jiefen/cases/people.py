"""一人一档: one person's cases, contacts and channels on one page (issue 13), as far as the viewer's scope reaches.

A person is named in the URL by the keyed hash of their ID number or, without one, of their phone
(personal.keyed_hash, HMAC-SHA256 under PERSONAL_DATA_HASH_KEY): never the value, and nothing that can be turned
back into it without the key. The cases come only through the one read path (access.cases_for), and of those only
the ones whose petitioners the viewer may know (access.may_see_identity): the accused side of an accusation must
not learn that this person accused them (信访工作条例 第三十条第三款), so such a case is left out entirely, and
nothing on the page counts it. Nor does the page say whether the person has cases outside the viewer's scope.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Case as SqlCase  # CASE WHEN; Case here is the model
from django.db.models import Exists, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, queries
from .models import Case, Channel, Contact, Deadline, Event, LegalClass, Party, Status
from .personal import mask_id_number, mask_phone

# A key as personal.keyed_hash writes it; anything else is not a person (404 before any query).
KEY_RE = re.compile(r"[0-9a-f]{64}")

# The decisions of the organs above, as their steps write them on the timeline (steps.review).
HIGHER_DECISIONS = ("decide_review", "decide_rereview")


def person_key(party):
    """The key of `party`'s person page: the hash of the ID number, else of the phone; "" for a party with neither,
    who cannot be matched to anyone."""
    return party.id_number_hash or party.phone_hash


@dataclass
class CaseRow:
    case: Case  # annotated with `higher_decision` and `finality` ("final", "lapsed" or "")
    roles: list[str]  # what the person is on it (信访人, 代表, 被反映人/对方当事人)
    by_phone: bool  # matched through a phone only: a record without an ID number, of a phone this person gave


@dataclass
class PersonFile:
    by_id_number: bool  # keyed on the ID number; else on a phone, which several people may share
    names: list[str]
    id_numbers: list[str]  # masked
    phones: list[str]  # masked
    villages: list[str]
    rows: list[CaseRow]
    contacts: list[Contact]  # newest first, each with its case attached
    channels: list[dict]  # per channel: label, cases, contacts, person-times

    @property
    def finals(self):
        return sum(1 for row in self.rows if row.case.finality)


def person_file(user, key) -> PersonFile | None:
    """Everything the person page shows of the person `key` names, or None when `user` may see none of their
    cases. A fixed number of queries, whatever the number of cases: the parties (through the hash indexes), the
    phone-only records of the same phones, the cases, the contacts."""
    if not KEY_RE.fullmatch(key or ""):
        return None
    parties = _visible(user, Party.objects.filter(Q(id_number_hash=key) | Q(phone_hash=key)))
    by_id_number = any(p.id_number_hash == key for p in parties)
    phone_only_ids: set[int] = set()
    if by_id_number:
        # The desk matches a person by ID number or phone (queries.open_cases_of); here a phone adds only records
        # that carry no ID number, so a relative sharing the phone, with an ID number of their own, stays apart.
        # Only phones from cases the viewer may see: no link is drawn through a case kept from them.
        phones = {p.phone_hash for p in parties if p.phone_hash}
        if phones:
            more = _visible(user, Party.objects.filter(id_number_hash="", phone_hash__in=sorted(phones)))
            phone_only_ids = {p.case_id for p in more} - {p.case_id for p in parties}
            parties += more
    if not parties:
        return None
    cases = list(_cases(user, {p.case_id for p in parties}))
    contacts = _contacts(cases)
    return PersonFile(
        by_id_number=by_id_number,
        names=_distinct(p.name for p in parties),
        id_numbers=_distinct_masked(parties, "id_number_hash", "id_number", mask_id_number),
        phones=_distinct_masked(parties, "phone_hash", "phone", mask_phone),
        villages=_distinct(str(p.village) for p in parties if p.village_id),
        rows=[
            CaseRow(case, _distinct(p.get_role_display() for p in parties if p.case_id == case.pk),
                    case.pk in phone_only_ids)
            for case in cases
        ],
        contacts=contacts,
        channels=_channels(cases, contacts),
    )


def _visible(user, parties):
    """These parties, on cases in `user`'s scope whose petitioners `user` may know, newest case first."""
    rows = parties.filter(case__in=access.cases_for(user)).select_related("case", "village")
    return [p for p in rows.order_by("-case__received_at", "-id") if access.may_see_identity(user, p.case)]


def _cases(user, case_ids):
    """The cases, newest first, each with the latest 复查/复核 decision and whether it is 终结.

    终结 as the desk's check reads it (queries.final_cases_of): status FINAL ("final"), or a 申诉求决 case whose
    written answer or review decision stood unchallenged ("lapsed"): its latest window clock fell due before today
    and the request it waits for was not made on or after the day that clock started."""
    window = Deadline.objects.filter(case_id=OuterRef("pk"), rule__code__in=queries.WINDOW_CLOCKS).order_by("-id")
    challenged = Event.objects.filter(
        case_id=OuterRef("pk"), kind=OuterRef("window_request"), at__date__gte=OuterRef("window_started")
    )
    decisions = Event.objects.filter(case_id=OuterRef("pk"), kind__in=HIGHER_DECISIONS).order_by("-id")
    return (
        access.cases_for(user).filter(id__in=sorted(case_ids))
        .select_related("category", "village", "centre", "final_repeat_of")
        .annotate(
            higher_decision=Subquery(decisions.values("summary")[:1]),
            window_due=Subquery(window.values("due_on")[:1]),
            window_started=Subquery(window.values("started_on")[:1]),
            window_request=Subquery(window.annotate(request=SqlCase(
                *(When(rule__code=code, then=Value(kind)) for code, kind in queries.WINDOW_REQUESTS.items())
            )).values("request")[:1]),
        )
        .annotate(finality=SqlCase(
            When(status=Status.FINAL, then=Value("final")),
            When(Q(legal_class=LegalClass.CLAIM, window_due__lt=timezone.localdate()) & ~Exists(challenged),
                 then=Value("lapsed")),
            default=Value(""),
        ))
        .order_by("-received_at", "-id")
    )


def _contacts(cases):
    """Every visit, letter and call on these cases, newest first, each with its case (no query per contact)."""
    by_id = {case.pk: case for case in cases}
    contacts = list(
        Contact.objects.filter(case_id__in=sorted(by_id)).select_related("receiving_leader")
        .order_by("-occurred_at", "-id")
    )
    for contact in contacts:
        contact.case = by_id[contact.case_id]
    return contacts


def _channels(cases, contacts) -> list[dict]:
    """Per channel, in the order of Channel: the cases that came in by it, its contacts and their person-times."""
    first = Counter(case.channel for case in cases)
    times = Counter(contact.channel for contact in contacts)
    heads: Counter[str] = Counter()
    for contact in contacts:
        heads[contact.channel] += contact.head_count
    return [
        {"label": channel.label, "cases": first[channel], "contacts": times[channel], "person_times": heads[channel]}
        for channel in Channel if first[channel] or times[channel]
    ]


def _distinct(values):
    return list(dict.fromkeys(v for v in values if v))


def _distinct_masked(parties, hash_field, field, mask):
    """One masked value per distinct hash: never the plain value (it is revealed, audited, on a case page)."""
    seen = {}
    for party in parties:
        digest = getattr(party, hash_field)
        if digest and digest not in seen:
            seen[digest] = mask(getattr(party, field))
    return list(seen.values())


@login_required
def person(request, key):
    """一人一档: every case of one person in the viewer's scope, newest first, with its contacts and channels.

    The same 404 for a key that names no one and for a person none of whose cases the viewer may see."""
    found = person_file(request.user, key)
    if found is None:
        raise Http404(_("未找到此人的信访记录"))
    return render(request, "cases/person.html", {"person": found})
