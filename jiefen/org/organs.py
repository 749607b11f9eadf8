"""Organs (机关): who issues a document, and who is above whom for 复查 and 复核.

A 矛调中心 has no legal personality: what it does is done in the name of an organ. A township's offices, its
villages and their grids work under the township's 人民政府; a county department with its own seal (organ_name
set) is an organ of its own. The organ above an organ (复查机关) is the one named on the unit (organ_above), else
the organ of its parent unit: a township's is the county's 人民政府, a county department's is its county's 人民政府
(the 条例 also allows the department above in the same line; an administrator names it on the unit).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Unit
from .queries import organ_has_desk_staff

# Kinds that are a people's government (人民政府) of their own by default.
GOVERNMENTS = (Unit.Kind.CITY, Unit.Kind.COUNTY, Unit.Kind.TOWNSHIP)


@dataclass(frozen=True)
class Organ:
    """The organ a unit's documents are issued by: its full name, its document code and the unit it is."""

    unit: Unit
    name: str
    # 发文字号代字 without the document's own word: "青政信" → 青政信受告〔2026〕12号.
    doc_code: str

    def __str__(self):
        return self.name


def _is_organ(unit):
    return bool(unit.organ_name) or unit.kind in GOVERNMENTS


def _as_organ(unit):
    default = _("%(name)s人民政府") % {"name": unit.name} if unit.kind in GOVERNMENTS else unit.name
    name = unit.organ_name or default
    return Organ(unit=unit, name=name, doc_code=unit.doc_code or _("%(name)s信访") % {"name": unit.name})


def organ_of(unit):
    """The organ whose name `unit`'s work is issued under: the unit itself if it is an organ, else the nearest
    organ above it (a village's or a township office's is the township's 人民政府)."""
    if _is_organ(unit):
        return _as_organ(unit)
    ancestors = Unit.objects.filter(pk__in=unit.ancestor_ids[:-1]).order_by("-path")
    for ancestor in ancestors:
        if _is_organ(ancestor):
            return _as_organ(ancestor)
    return _as_organ(unit)


def organ_above(organ):
    """The organ above `organ` (复查 of its decisions; 复核 of the one above's), or None at the top."""
    unit = organ.unit
    if unit.organ_above_id:
        return _as_organ(unit.organ_above)
    if unit.parent_id is None:
        return None
    return organ_of(unit.parent)


def handling_organ(case):
    """The organ that handles `case` and issues its notices and its 处理意见书: that of the unit responsible
    for it (a village's or an office's is the township government), else the centre's township government."""
    unit = case.responsible_unit if case.responsible_unit_id else case.centre
    return organ_of(unit)


def mediation_committee(case):
    """The people's mediation committee (人民调解委员会) whose agreement a dispute's is: the village's committee
    where the dispute is in a village, else the township's."""
    unit = case.village or case.centre
    return _("%(name)s人民调解委员会") % {"name": unit.name}


def sits_in(user, unit):
    """Whether `user` acts for the organ that is `unit`. For a people's government: staff posted at it, or at the
    office that acts for it (Unit.acts_for: the county's 信访局), or, for a township, in one of its offices without
    a seal of its own; never staff of a department with its own seal, of a government below or of one above. For a
    department with its own seal: staff posted at it or below it."""
    if user is None or not getattr(user, "unit_id", None) or unit is None:
        return False
    own = user.unit
    if unit.kind not in GOVERNMENTS:
        return own.is_within(unit)
    if own.pk == unit.pk or own.acts_for_id == unit.pk:
        return True
    return unit.kind == Unit.Kind.TOWNSHIP and not _is_organ(own) and own.township == unit


def on_jiefen(organ):
    """Whether `organ` has desk staff on jiefen (sits_in): then its decisions are taken here by them, else recorded
    from its paper. One query."""
    return organ is not None and organ_has_desk_staff(organ.unit, government=organ.unit.kind in GOVERNMENTS)
