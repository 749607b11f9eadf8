"""Propose the responsible unit of a matter and say which rule matched."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import RoutingRule


@dataclass
class Proposal:
    unit: object  # org.Unit
    rule: RoutingRule | None
    reason: str
    forward: bool  # the unit is outside the township: forward (转送) rather than assign (交办)


def _specificity(rule):
    return bool(rule.legal_class) * 4 + (rule.category_id is not None) * 2 + (rule.village_id is not None)


def propose(centre, category, village, legal_class="", accused_unit=None):
    """The unit a matter of `category` in `village` (of `legal_class`, naming `accused_unit`) belongs to under
    `centre`'s rules, or None if no rule fits. A unit on the accused side (the accused unit, a unit under it, and
    the village an accused grid belongs to: jiefen.cases.access) is never proposed: the accused never handles the
    accusation."""
    if centre is None:
        return None
    rules = RoutingRule.objects.filter(centre=centre, active=True).select_related("unit", "category", "village")
    responsible = None
    if accused_unit is not None and accused_unit.kind == accused_unit.Kind.GRID:
        responsible = accused_unit.parent_id
    candidates = []
    for rule in rules:
        if rule.legal_class and rule.legal_class != legal_class:
            continue
        if rule.category_id and (category is None or rule.category_id != category.pk):
            continue
        if rule.village_id and (village is None or rule.village_id != village.pk):
            continue
        unit = rule.unit or village
        if unit is None:  # a territorial fallback for a matter with no village
            continue
        if accused_unit is not None and (unit.is_within(accused_unit) or unit.pk == responsible):
            continue
        candidates.append((-_specificity(rule), rule.priority, rule.pk, rule, unit))
    if not candidates:
        return None
    *_ignored, rule, unit = min(candidates, key=lambda c: c[:3])
    forward = not unit.is_within(centre)
    reason = _("依据分办规则“%(rule)s”（%(basis)s）") % {"rule": rule, "basis": rule.get_basis_display()}
    if rule.note:
        reason += f"：{rule.note}"
    return Proposal(unit=unit, rule=rule, reason=reason, forward=forward)


def propose_for_case(case):
    return propose(case.centre, case.category, case.village, case.legal_class, case.accused_unit)
