"""Who is told when a clock of a case runs short or runs out (DESIGN.md §1: 谁主管、谁负责)."""

from jiefen.leadership.models import CaseOwner
from jiefen.org.models import User
from jiefen.org.queries import directors_of, handlers_of


def handlers(case):
    """The handlers (承办人) of the responsible unit and its head; before assignment, who took the case in."""
    if case.responsible_unit_id is None:
        # Not assigned yet, so the clock (受理告知, 调解) is the centre's own: the clerk who registered the case and
        # the leader who received the visitors.
        ids = {case.received_by_id, case.receiving_leader_id} - {None}
        return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    return list(handlers_of(case.responsible_unit_id))


def owning_leaders(case):
    """The owning leaders (包案领导) of the case, in the order they were named."""
    owners = CaseOwner.objects.filter(case=case, leader__is_active=True).select_related("leader")
    return [owner.leader for owner in owners]


def directors(case):
    """The director (中心主任) of the case's centre."""
    return list(directors_of(case.centre_id))


def for_rule(rule, case):
    """Everyone `rule` tells about `case`, each once."""
    people = []
    if rule.to_handlers:
        people += handlers(case)
    if rule.to_owners:
        people += owning_leaders(case)
    if rule.to_director:
        people += directors(case)
    # 回避: whoever must stay out of the case is not told about it either.
    recused = set(case.recusals.values_list("user_id", flat=True))
    return list({user.pk: user for user in people if user.pk not in recused}.values())
