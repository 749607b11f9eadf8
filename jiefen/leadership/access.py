"""The one read path for leaders' visits, in step with the cases' (jiefen.cases.access): a visit outside the
user's scope is a 404 whether or not it exists; a read-only role asking to write gets 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from jiefen.cases.access import READ_ONLY_ROLES
from jiefen.org.models import Role

from .models import LeaderVisit

# Who works with visits: the centre's desk and leadership record them; the county supervisor reads them.
VISIT_ROLES = {Role.CLERK, Role.LEADER, Role.DIRECTOR, Role.SUPERVISOR}
OWNER_ROLES = {Role.LEADER, Role.DIRECTOR}


def require_role(user, roles):
    if user.role not in roles:
        raise PermissionDenied(_("您的角色不能使用此页面"))


def visits_for(user):
    """The leaders' visits `user` may see: their centre's, or for a county supervisor, the county's."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return LeaderVisit.objects.none()
    if user.role == Role.SUPERVISOR:
        return LeaderVisit.objects.filter(centre__path__startswith=user.unit.path)
    if user.role in (Role.CLERK, Role.LEADER, Role.DIRECTOR) and user.unit.township is not None:
        return LeaderVisit.objects.filter(centre=user.unit.township)
    return LeaderVisit.objects.none()


def access_visit(user, pk, *, write=False):
    try:
        visit = visits_for(user).select_related("leader", "village", "centre", "recorded_by").get(pk=pk)
    except LeaderVisit.DoesNotExist:
        raise Http404("下访记录不存在")
    if write and user.role in READ_ONLY_ROLES:
        raise PermissionDenied(_("县级督办账号只读"))
    return visit
