"""Reads for case lists and pages. Each function names the index it relies on; tests pin their query counts."""

import datetime as dt

from django.conf import settings
from django.db.models import Case as SqlCase  # CASE WHEN; Case here is the model
from django.db.models import Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from jiefen.org import authz
from jiefen.org.organs import organ_of

from . import search
from .access import cases_for
from .filters import CaseFilter
from .models import Contact, Deadline, Event, Handover, LegalClass, Party, Status, StatusGroup

LIST_COLUMNS = (
    "id", "number", "kind", "channel", "legal_class", "status", "request", "received_at", "next_due_on",
    "schedule_warning", "person_times", "contact_count", "is_group", "category__name", "village__name",
    "responsible_unit__name", "pending_unit__name", "centre__name",
)

SORTS = {
    "received": "-received_at",
    "-received": "received_at",
    "due": "next_due_on",
    "-due": "-next_due_on",
    "number": "number",
    "-number": "-number",
}


def case_list(user, *, q="", sort="received", **filters):
    """The cases `user` may see, narrowed by `filters` (filters.CaseFilter's, cleaned), newest first. Served by the
    (centre|unit|village, received_at) indexes; a keyword narrows first through the search table
    (search.matching_ids_sql)."""
    qs = cases_for(user)
    common_word = None
    if q:
        q = q.strip()
        if qs.filter(number=q).exists():  # a case number: that case (its unique index)
            qs = qs.filter(number=q)
        else:
            township = authz.scope_of(user).centre
            found = search.matching_ids_sql(q, centre_id=township.pk if township else None)
            if found and search.is_common(*found):
                common_word = found  # applied below, differently for the count and for the page
            elif found:
                qs = qs.filter(id__in=RawSQL(*found))
            else:
                qs = qs.filter(Q(request__contains=q) | Q(facts__contains=q))
    qs = CaseFilter(user=user).narrow(qs, filters)
    order = SORTS.get(sort, "-received_at")
    many_centres = authz.scope_of(user).centre is None
    qs = page_qs = qs.order_by(order, "-id")
    if common_word:
        # A word in thousands of cases: SQLite would fetch every match and sort them. Hiding the id from the
        # planner (unary +) makes it walk the newest-first index and stop at the page's last row instead.
        sql, params = common_word
        page_qs = qs.extra(where=[f'+"cases_case"."id" IN ({sql})'], params=params)
        qs = qs.filter(id__in=RawSQL(sql, params))
    return CaseRows(qs, cap=COUNT_CAP if (many_centres or q) else None, page_qs=page_qs)


# Past this many, a list spanning several centres (or a keyword search) says "10000+" instead of counting on.
COUNT_CAP = 10000


class CaseRows:
    """The rows a case list pages through: joined names for the page only; the total counted on the case table
    alone (no joins), and capped at COUNT_CAP where an exact total would mean counting a county's cases."""

    def __init__(self, qs, cap=None, page_qs=None):
        self.qs, self.cap, self.capped = qs, cap, False
        self.page_qs = page_qs if page_qs is not None else qs

    def count(self):
        plain = self.qs.order_by()
        if self.cap is None:
            return plain.count()
        total = plain[: self.cap + 1].count()
        self.capped = total > self.cap
        return min(total, self.cap)

    def __getitem__(self, index):
        return list(self.page_qs.values(*LIST_COLUMNS)[index])

    def __len__(self):
        return self.count()


def case_page(case):
    """Everything the case page shows, in a fixed number of queries."""
    parties = list(case.parties.select_related("village").all())
    contacts = list(case.contacts.select_related("receiving_leader", "recorded_by"))
    clocks = list(case.deadlines.select_related("rule"))
    events = list(case.events.select_related("actor"))
    documents = list(case.documents.select_related("uploaded_by"))
    co_units = list(case.co_units.all())
    recusals = list(case.recusals.select_related("user"))
    return {
        "parties": parties, "contacts": contacts, "deadlines": clocks, "events": events, "documents": documents,
        "co_units": co_units, "recusals": recusals,
    }


def _cases_with_party(id_number_hash, phone_hash):
    """The ids of the cases with a party of this ID number or phone (their hash indexes), as a subquery; None if
    neither is given."""
    cond = Q()
    if id_number_hash:
        cond |= Q(id_number_hash=id_number_hash)
    if phone_hash:
        cond |= Q(phone_hash=phone_hash)
    return Party.objects.filter(cond).values("case_id") if cond else None


def open_cases_of(id_number_hash="", phone_hash="", user=None):
    """Open cases in `user`'s scope with a party of this ID number or phone: the desk's repeat-visit check."""
    case_ids = _cases_with_party(id_number_hash, phone_hash)
    if case_ids is None:
        return []
    return (
        cases_for(user).filter(id__in=case_ids, status__in=StatusGroup.OPEN)
        .select_related("category", "village").order_by("-received_at")[:5]
    )


def earlier_cases_of(id_number_hash="", phone_hash="", user=None, *, exclude=()):
    """The person's cases in `user`'s scope that are neither open nor listed in `exclude` (办结, 不予受理, 转送…),
    newest first: a repeat of a closed matter is recognised too."""
    case_ids = _cases_with_party(id_number_hash, phone_hash)
    if case_ids is None:
        return []
    return (
        cases_for(user).filter(id__in=case_ids).exclude(status__in=StatusGroup.OPEN).exclude(id__in=list(exclude))
        .select_related("category", "village").order_by("-received_at")[:5]
    )


def same_name_cases(names, village, user=None, *, exclude=()):
    """Cases in `user`'s scope of the same village with a party of one of these names: a weaker hint (names
    repeat), for a person who came without an ID number or phone on file."""
    names = [n for n in names if n]
    if not names or village is None:
        return []
    case_ids = Party.objects.filter(name__in=names, case__village=village).values("case_id")
    return (
        cases_for(user).filter(id__in=case_ids).exclude(id__in=list(exclude))
        .select_related("category", "village").order_by("-received_at")[:5]
    )


# The clocks within which a written answer (复查) or a review decision (复核) may be challenged, each with the
# request that challenges it (jiefen.cases.steps.review).
WINDOW_REQUESTS = {"review_window": "request_review", "rereview_window": "request_rereview"}
WINDOW_CLOCKS = tuple(WINDOW_REQUESTS)


def final_cases_of(id_number_hash="", phone_hash="", user=None):
    """终结 cases in `user`'s scope with a party of this ID number or phone, newest first: the desk's check for a
    matter the same person brings again with the same facts and reasons, which is not accepted again (law.FINAL).

    终结 is either status FINAL (the 复核 decided), or a 申诉求决 case whose written answer or review decision stood
    unchallenged: its latest window clock (WINDOW_CLOCKS, the latest by id) fell due before today, and the request
    it waits for (WINDOW_REQUESTS: 复查 for the answer, 复核 for the review decision) was not made on or after the
    day that clock started. Each case carries `decision`: the summary of its latest 复核 decision, else of its
    latest written answer. One query: the clock and the events are subqueries on the few cases of these people
    (found through the party hash indexes)."""
    case_ids = _cases_with_party(id_number_hash, phone_hash)
    if case_ids is None:
        return []
    window = Deadline.objects.filter(case_id=OuterRef("pk"), rule__code__in=WINDOW_CLOCKS).order_by("-id")
    challenged = Event.objects.filter(
        case_id=OuterRef("pk"), kind=OuterRef("window_request"), at__date__gte=OuterRef("window_started")
    )
    return (
        cases_for(user).filter(id__in=case_ids)
        .annotate(
            window_due=Subquery(window.values("due_on")[:1]),
            window_started=Subquery(window.values("started_on")[:1]),
            window_request=Subquery(window.annotate(request=SqlCase(
                *(When(rule__code=code, then=Value(kind)) for code, kind in WINDOW_REQUESTS.items())
            )).values("request")[:1]),
        )
        .filter(
            Q(status=Status.FINAL)
            | (Q(legal_class=LegalClass.CLAIM, window_due__lt=timezone.localdate()) & ~Exists(challenged))
        )
        .annotate(decision=Coalesce(_latest_summary("decide_rereview"), _latest_summary("reply")))
        .select_related("category", "village").order_by("-received_at")[:5]
    )


def _latest_summary(kind):
    return Subquery(Event.objects.filter(case_id=OuterRef("pk"), kind=kind).order_by("-id").values("summary")[:1])


def leader_home(user):
    """A leader's landing page: what awaits their decision, what is late, and today's reception."""
    today = timezone.localdate()
    scope = cases_for(user)
    soon_until = today + dt.timedelta(days=settings.DUE_SOON_DAYS)
    list_of = lambda qs: list(qs.order_by("next_due_on", "-received_at").values(*LIST_COLUMNS)[:20])
    return {
        "awaiting": list(scope.filter(status=Status.REGISTERED).order_by("received_at").values(*LIST_COLUMNS)[:20]),
        "overdue": list_of(scope.filter(next_due_on__lt=today)),
        "due_soon": list_of(scope.filter(next_due_on__gte=today, next_due_on__lte=soon_until)),
        "today_contacts": list(
            Contact.objects.filter(case__in=scope, occurred_at__date=today)
            .select_related("case", "receiving_leader").order_by("-occurred_at")[:50]
        ),
        "today": today,
    }


def handovers_from(user, limit=200):
    """The items `user`'s organ handed down (交办、转送), reports waiting for review first, then the open ones by
    deadline, then the rest newest first; each with its case, township and whether it is past its deadline
    unreported. Served by the (from_unit, report) index."""
    if not authz.hands_down(user):
        return []
    organ = organ_of(user.unit)
    order = SqlCase(
        When(report=Handover.Report.REPORTED, then=Value(0)),
        When(report__in=[Handover.Report.PENDING, Handover.Report.RETURNED], then=Value(1)),
        default=Value(2),
    )
    rows = list(
        Handover.objects.filter(from_unit=organ.unit, case__in=cases_for(user))
        .select_related("case", "case__centre")
        .order_by(order, "due_on", "-sent_at")[:limit]
    )
    today = timezone.localdate()
    for row in rows:
        row.overdue = (
            row.due_on is not None and row.due_on < today
            and row.report in (Handover.Report.PENDING, Handover.Report.RETURNED)
        )
    return rows
