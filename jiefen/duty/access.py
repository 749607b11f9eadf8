"""The one read path of rosters: which centres' rosters a user may see. Outsiders get 404, never 403."""

from django.http import Http404

from jiefen.org.models import Role, Unit

from .models import DutyShift


def centres_for(user):
    """Townships whose roster `user` may read: their own centre; a county supervisor, every township below."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return Unit.objects.none()
    townships = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP)
    if user.role == Role.SUPERVISOR:
        return townships.filter(path__startswith=user.unit.path).order_by("sort", "code")
    township = user.unit.township
    return townships.filter(pk=township.pk) if township else Unit.objects.none()


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
