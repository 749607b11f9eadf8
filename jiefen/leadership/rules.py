"""What a hard case still lacks of its "1211" (DESIGN.md §1): the closure guard, the case page and the owner's
page all ask here, so the three can never disagree."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import CaseOwner, DossierItem, DossierRequirement, HardCase, StabilisationMeasure, TaskForceMember

REQUIRED_OWNERS = 2  # 两名包案领导


@dataclass
class Dossier:
    """The checklist of one hard case: each active requirement with the item that meets it, or None."""

    rows: list  # [(DossierRequirement, DossierItem | None)]

    @property
    def missing(self):
        return [requirement for requirement, item in self.rows if item is None]

    @property
    def percent(self):
        """Provided required items / required items; an empty checklist is complete."""
        if not self.rows:
            return 100
        return (len(self.rows) - len(self.missing)) * 100 // len(self.rows)


@dataclass
class Part:
    code: str
    label: str
    complete: bool
    missing: str  # what is missing, in a sentence; "" when complete


@dataclass
class Assessment:
    """The four parts of one hard case's "1211"."""

    hard_case: HardCase
    owners: int
    members: int
    measures: int
    dossier: Dossier

    @property
    def parts(self):
        docs = "、".join(r.name for r in self.dossier.missing)
        return [
            Part(
                "task_force", _("工作专班"), self.members > 0, "" if self.members else _("工作专班：尚未确定专班成员")
            ),
            Part(
                "owners",
                _("包案领导"),
                self.owners >= REQUIRED_OWNERS,
                "" if self.owners >= REQUIRED_OWNERS else _("包案领导：需两名，现有%(n)s名") % {"n": self.owners},
            ),
            Part(
                "measures",
                _("稳控措施"),
                self.measures > 0,
                "" if self.measures else _("稳控措施：尚未制定（每项措施须明确责任人和回访日期）"),
            ),
            Part(
                "dossier",
                _("完整资料"),
                not docs,
                ""
                if not docs
                else _("完整资料：完整度%(p)s%%，缺%(docs)s") % {"p": self.dossier.percent, "docs": docs},
            ),
        ]

    @property
    def missing(self):
        return [part.missing for part in self.parts if not part.complete]


def assess(hard_cases):
    """{case id: Assessment} for the HardCase rows `hard_cases`, in six queries however many there are."""
    hard_cases = list(hard_cases)
    ids = [h.pk for h in hard_cases]

    def count_by(queryset, key):
        return dict(queryset.values_list(key).annotate(n=Count("id")).order_by())

    owners = count_by(CaseOwner.objects.filter(case_id__in=[h.case_id for h in hard_cases]), "case_id")
    members = count_by(TaskForceMember.objects.filter(hard_case_id__in=ids), "hard_case_id")
    # A measure counts only with a person answerable for it (the review date is required by the model).
    measures = count_by(
        StabilisationMeasure.objects.filter(hard_case_id__in=ids).exclude(person__isnull=True, person_name=""),
        "hard_case_id",
    )
    requirements = list(DossierRequirement.objects.filter(active=True))
    items = defaultdict(dict)
    for item in DossierItem.objects.filter(hard_case_id__in=ids).select_related("document", "provided_by"):
        items[item.hard_case_id][item.requirement_id] = item
    return {
        h.case_id: Assessment(
            hard_case=h, owners=owners.get(h.case_id, 0), members=members.get(h.pk, 0),
            measures=measures.get(h.pk, 0), dossier=Dossier([(r, items[h.pk].get(r.pk)) for r in requirements]),
        )
        for h in hard_cases
    }


def hard_case_of(case):
    """The case's HardCase row, or None if it is not a hard case."""
    try:
        return case.hard_case
    except HardCase.DoesNotExist:
        return None


def assessment(case):
    """The "1211" of `case`, or None if it is not a hard case."""
    hard_case = hard_case_of(case)
    return assess([hard_case])[case.pk] if hard_case else None


def missing_parts(case):
    """What the hard case `case` still lacks of its "1211", in Chinese; [] when complete or not a hard case."""
    found = assessment(case)
    return found.missing if found else []
