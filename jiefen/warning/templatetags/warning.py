from django import template

from jiefen.warning import queries

register = template.Library()


@register.inclusion_tag("warning/_home_card.html", takes_context=True)
def my_warnings(context, limit=10):
    """The leader's home card: red and orange warnings not yet studied (已研判), the leader's own 包案 first."""
    user = context["request"].user
    return {"shown": queries.may_read(user), "rows": queries.home_warnings(user, limit)}
