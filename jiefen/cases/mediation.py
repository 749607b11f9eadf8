"""Reads of a dispute's mediation record, from its timeline: sessions (调解记录), the agreement (调解协议书), the
latest follow-up of whether it is kept (协议履行回访), failure and referral with the guidance given.

Everything here is read from Event rows the mediation actions write (jiefen.cases.steps.mediation), so there is one
record of each step and nothing to keep in step with it.
"""

from django.utils.dateparse import parse_date

from .models import FOLLOW_UP_RESULTS, REFERRAL_ROUTES, Case, Event

FOLLOW_UP = "agreement_follow_up"
MEDIATION_STEPS = ("mediation_session", "agree", FOLLOW_UP, "mediation_failed", "refer")


def mediation_record(case, events):
    """The mediation section of the case page, from the timeline already loaded (`events`, oldest first)."""
    if case.kind != Case.Kind.DISPUTE:
        return None

    record = {"sessions": [], "agreement": None, "follow_up": None, "follow_ups": 0, "failure": None, "referral": None}
    for e in events:
        if e.kind == "mediation_session":
            record["sessions"].append({
                "held_on": parse_date(e.data.get("held_on", "")), "place": e.data.get("place", ""),
                "mediators": e.data.get("mediators", ""), "present": "、".join(e.data.get("present_names", [])),
                "minutes": e.note,
            })
        elif e.kind == "agree":
            record["agreement"] = {**e.data, "signed_on": parse_date(e.data.get("signed_on", ""))}
        elif e.kind == FOLLOW_UP:
            result = e.data.get("result", "")
            record["follow_ups"] += 1
            record["follow_up"] = {
                "result": result, "label": FOLLOW_UP_RESULTS.get(result, result), "note": e.note,
                "checked_on": parse_date(e.data.get("checked_on", "")), "unkept": result != "kept",
            }
        elif e.kind == "mediation_failed":
            record["failure"] = {"reason": e.note, "at": e.at}
        elif e.kind == "refer":
            route = e.data.get("route", "")
            record["referral"] = {"route": REFERRAL_ROUTES.get(route, route), "guidance": e.note, "at": e.at}
    if not any(record[k] for k in ("sessions", "agreement", "failure", "referral")):
        return None
    return record


def flag_unkept_agreements(rows):
    """Mark the list rows (dicts with "id" and "kind") whose latest 协议履行回访 found the agreement not (fully) kept.

    One query for the whole page, on the event table's case index, whatever kinds of case the page holds: the
    number of queries a list page runs depends on its size, never on its content (`manage.py bench` checks that).
    Only disputes have follow-ups, so asking for every row's costs nothing more.
    """
    ids = [r["id"] for r in rows]
    if not ids:
        return rows
    latest = {}
    for case_id, data in Event.objects.filter(case_id__in=ids, kind=FOLLOW_UP).order_by("at", "id").values_list(
        "case_id", "data"
    ):
        latest[case_id] = data.get("result")
    for r in rows:
        r["agreement_unkept"] = r.get("kind") == Case.Kind.DISPUTE and latest.get(r["id"]) in ("partly", "broken")
    return rows
