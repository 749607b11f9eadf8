"""Reads of the public portal: finding a case by number and query code, and what its petitioner may see of it.

The petitioner sees the state, the public steps of the timeline told in the centre's words (never the staff's
free-text notes, never a staff member's name: the unit that acted), the clocks and the notices served. Nothing of
the parties is shown: the tracking page carries no ID number or phone, masked or not.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.cases import notices
from jiefen.cases.access import cases_for, citizen_case
from jiefen.cases.models import Channel, Deadline, ReplyOutcome, ReviewOutcome, Status
from jiefen.cases.steps import registry
from jiefen.org.models import Unit

REQUEST_STEPS = [
    # (action, window clock, what it is called here): the later stage first.
    ("request_rereview", "rereview_window", gettext_lazy("复核")),
    ("request_review", "review_window", gettext_lazy("复查")),
]


def find_case(number, code):
    """The case with this number and query code, or None (jiefen.cases.access: the citizen's way in)."""
    return citizen_case(number, code)


def online_awaiting(user, limit=20):
    """Online submissions in `user`'s scope still waiting for a decision, oldest first (the desk's inbox).

    Served by the case_centre_status index (centre, status, received_at); few rows are registered at a time.
    """
    return list(
        cases_for(user).filter(status=Status.REGISTERED, channel=Channel.ONLINE)
        .select_related("category", "village").order_by("received_at", "id")[:limit]
    )


def tracking_page(case, today=None):
    """Everything the tracking page shows of `case`."""
    today = today or timezone.localdate()
    events = list(case.events.filter(public=True).select_related("actor__unit").order_by("at", "id"))
    unit_ids = {e.data.get("unit") for e in events if isinstance(e.data, dict) and e.data.get("unit")}
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    clocks = list(case.deadlines.select_related("rule").exclude(state=Deadline.State.EXEMPT).order_by("id"))
    return {
        "case": case,
        "timeline": [_public_entry(case, e, units) for e in events],
        "clocks": [_public_clock(d) for d in clocks],
        "notices": [
            {"kind": code, "label": notices.NOTICES[code].title}
            for code in notices.available_notices(case, petitioner=True)
        ],
        "may_rate": registry.find("satisfaction", case.kind, case.status) is not None,
        "request": request_option(case, clocks, today),
    }


def request_option(case, clocks, today):
    """Whether the petitioner may ask for review (复查) or re-review (复核) now; if not, why the button is gone.

    The same rule as the review steps (jiefen.cases.steps.review: the window guard, then the request date): the
    window clock runs and today is not past its due day (counted by 民法典 第二百零一条、第二百零三条 in the clock
    engine).
    """
    for action, code, word in REQUEST_STEPS:
        window = next((d for d in reversed(clocks) if d.rule.code == code), None)
        if window is None:
            continue
        if window.state == Deadline.State.MET:
            made = _("已于%(day)s申请%(word)s") % {"day": window.finished_on, "word": word}
            return {"word": word, "open": False, "reason": made}
        if registry.find(action, case.kind, case.status) is None:
            return None
        if window.state == Deadline.State.RUNNING and today <= window.due_on:
            return {"word": word, "open": True, "action": action, "due_on": window.due_on}
        return {
            "word": word, "open": False,
            "reason": _("申请%(word)s的期限已于%(day)s届满（%(basis)s），依法不能再申请%(word)s。")
            % {"word": word, "day": window.due_on, "basis": window.rule.legal_basis},
        }
    return None


def _public_clock(deadline):
    extended = sum(days for days, _reason in deadline.additions)
    return {
        "name": deadline.rule.name, "state": deadline.get_state_display(),
        "running": deadline.state == Deadline.State.RUNNING,
        "started_on": deadline.started_on, "due_on": deadline.due_on, "finished_on": deadline.finished_on,
        "extended": extended, "basis": deadline.rule.legal_basis, "is_obligation": deadline.rule.is_obligation,
    }


def _public_entry(case, event, units):
    """One step as the petitioner reads it: when, what (from the event's kind and data, not its free text), who."""
    data = event.data if isinstance(event.data, dict) else {}
    unit = units.get(data.get("unit"), "")
    kind = event.kind
    if kind == "register":
        text = _("登记（%(channel)s）") % {"channel": case.get_channel_display()}
    elif kind == "not_accept":
        text = _("不予受理，告知通过%(channel)s解决") % {"channel": data.get("lawful_channel", "")}
    elif kind == "forward":
        text = _("转送%(organ)s处理") % {"organ": data.get("organ", "")}
    elif kind == "assign":
        text = _("交由%(unit)s办理") % {"unit": unit}
    elif kind == "sign_for":
        text = _("%(unit)s签收办理") % {"unit": unit}
    elif kind == "return_case":
        text = _("承办单位退回，由中心重新交办")
    elif kind == "extend":
        text = _("延长办理期限%(n)s日，理由：%(reason)s") % {"n": data.get("days", ""), "reason": event.note}
    elif kind == "reply":
        outcome = ReplyOutcome(data["outcome"]).label if data.get("outcome") in ReplyOutcome.values else ""
        text = _("出具处理意见书：%(outcome)s，%(day)s送达") % {"outcome": outcome, "day": data.get("served_on", "")}
    elif kind in ("decide_review", "decide_rereview"):
        outcome = ReviewOutcome(data["outcome"]).label if data.get("outcome") in ReviewOutcome.values else ""
        text = _("%(organ)s%(word)s意见：%(outcome)s，%(day)s送达") % {
            "organ": data.get("organ", ""), "word": _("复查") if kind == "decide_review" else _("复核"),
            "outcome": outcome, "day": data.get("served_on", ""),
        }
    elif kind == "satisfaction":
        text = _("评价：%(rating)s") % {"rating": data.get("rating", "")}
    elif kind in ("request_review", "request_rereview"):
        text = _("信访人申请%(word)s") % {"word": _("复查") if kind == "request_review" else _("复核")}
    else:
        text = str(registry.label_for(kind, case.kind))
    actor_unit = event.actor.unit.name if event.actor_id and event.actor.unit_id else ""
    return {"at": event.at, "text": text, "unit": actor_unit}
