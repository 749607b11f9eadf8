"""The one read path for leaders' visits, in step with the cases' (jiefen.cases.access): a visit outside the
user's scope is a 404 whether or not it exists; a read-only role asking to write gets 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from jiefen.org import authz

from .models import LeaderVisit


def visits_for(user):
    """The leaders' visits `user` may see: their centre's, or for a county supervisor, the county's."""
    scope = authz.scope_of(user)
    if scope.county_read:
        return LeaderVisit.objects.filter(centre_id__in=list(scope.centre_ids))
    if scope.whole_centre:
        return LeaderVisit.objects.filter(centre=scope.centre)
    return LeaderVisit.objects.none()


def access_visit(user, pk, *, write=False):
    try:
        visit = visits_for(user).select_related("leader", "village", "centre", "recorded_by").get(pk=pk)
    except LeaderVisit.DoesNotExist:
        raise Http404("下访记录不存在")
    if write and authz.scope_of(user).read_only:
        raise PermissionDenied(_("县级督办账号只读"))
    return visit
