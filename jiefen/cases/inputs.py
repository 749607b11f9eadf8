"""Choices the case's forms share with the step forms and the apps' forms: the centre's villages and leaders.
They import nothing of the write path, so any form may use them (the date widget is in widgets.py)."""

from jiefen.org import authz
from jiefen.org.models import Unit
from jiefen.org.queries import leadership_of


def centre_villages(user):
    township = authz.scope_of(user).centre
    if township is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=township.path, kind=Unit.Kind.VILLAGE).order_by("sort", "name")


def centre_leaders(user):
    return leadership_of(authz.scope_of(user).centre)
