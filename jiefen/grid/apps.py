from django.apps import AppConfig


def mediators_of(case):
    """The centre's register of visitors and mediators (排查调解力量), for a mediation session of `case`: short, so
    all of it, by kind."""
    from .models import Visitor

    return Visitor.objects.filter(centre=case.centre_id, active=True).order_by("kind", "name")


def ledger_row(user, case, steps):
    """The dispute's ledger row among the facts of the case page."""
    if case.kind != "dispute":
        return steps, None
    from .models import DisputeRecord

    ledger = DisputeRecord.objects.filter(case=case).select_related("mediator").first()
    if ledger is None:
        return steps, None
    return steps, {"template": "grid/_case_ledger.html", "context": {"ledger": ledger}, "slot": "facts"}


def found_in(queryset, period):
    """The disputes the ledger found in `period` (start, end; either may be None): a figure's drill-down."""
    from .models import DisputeRecord

    start, end = period
    ledger = DisputeRecord.objects.all()
    if start:
        ledger = ledger.filter(found_on__gte=start)
    if end:
        ledger = ledger.filter(found_on__lte=end)
    return queryset.filter(id__in=ledger.values("case_id"))


class Config(AppConfig):
    name = "jiefen.grid"
    label = "grid"
    verbose_name = "排查走访与调解"

    def ready(self):
        from jiefen.cases import extensions

        extensions.register_once(extensions.mediator_registers, mediators_of)
        extensions.register_once(extensions.case_page_sections, ledger_row)
        extensions.case_narrowings["ledger"] = found_in
