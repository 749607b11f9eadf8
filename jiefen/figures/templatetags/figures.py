"""The analysis meeting on other apps' pages: the leader home's "我的督办事项"."""

from django import template
from django.utils import timezone

from jiefen.figures.models import MeetingDecision

register = template.Library()


@register.inclusion_tag("figures/_my_decisions_card.html", takes_context=True)
def my_decisions(context, limit=10):
    """The viewer's open decisions from analysis meetings, soonest due first."""
    user = context["request"].user
    rows = list(
        MeetingDecision.objects.filter(owner=user, done=False)
        .select_related("meeting")
        .order_by("due_on", "id")[:limit]
    )
    return {"decisions": rows, "today": timezone.localdate()}
