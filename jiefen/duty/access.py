"""The one read path of rosters: which centres' rosters a user may see. Outsiders get 404, never 403."""

from django.http import Http404

from jiefen.org import authz
from jiefen.org.models import Unit

from .models import DutyShift


def centres_for(user):
    """Townships whose roster `user` may read: their own centre; a county supervisor, every township below."""
    scope = authz.scope_of(user)
    if not scope.centre_ids:
        return Unit.objects.none()
    return Unit.objects.filter(kind=Unit.Kind.TOWNSHIP, pk__in=scope.centre_ids).order_by("sort", "code")


def access_centre(user, code=None):
    """The centre `code` (default the user's own, or the first a supervisor oversees); 404 outside the scope."""
    centres = centres_for(user)
    centre = centres.filter(code=code).first() if code else centres.first()
    if centre is None:
        raise Http404("值班表不存在")
    return centre


def access_shift(user, pk):
    """One shift in a centre `user` may see; 404 otherwise, whether or not it exists."""
    shift = DutyShift.objects.filter(pk=pk, centre__in=centres_for(user)).select_related("centre", "leader").first()
    if shift is None:
        raise Http404("值班安排不存在")
    return shift
