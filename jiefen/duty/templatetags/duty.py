"""The roster on other apps' pages: the leader home's "值班缺口" flag."""

from django import template

from jiefen.duty.services import may_manage, today_leader, uncovered_days
from jiefen.org import authz

register = template.Library()


@register.inclusion_tag("duty/_gaps.html", takes_context=True)
def duty_gaps(context, days=14):
    """Who is on duty today at the viewer's centre, and the working days ahead with no one on duty."""
    user = context["request"].user
    centre = authz.scope_of(user).centre
    if centre is None:
        return {"centre": None}
    return {
        "centre": centre,
        "days": days,
        "today_leader": today_leader(centre),
        "gaps": uncovered_days(centre, days=days),
        "may_manage": may_manage(user, centre),
    }
