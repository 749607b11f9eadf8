"""Service of the documents a case issued (送达) and the return of their 送达回证.

A notice is issued by its step (jiefen.cases.notices); the written answer is served by its own step (handling's
送达处理意见书). The others (受理告知书, 不予受理告知书, 转送告知书, 延期告知书, a dispute's documents) are served
here: by which method and on which day. What the petitioner signs is the 送达回证; its return is recorded here too.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org.authz import DESK, UNIT_WORKERS

from ..errors import ActionError
from ..models import Case, IssuedDocument, ServiceMethod, Status
from .base import DateInput, StepForm, date_not_future, required
from .perform import perform
from .registry import Move, step

BOTH = frozenset({Case.Kind.PETITION, Case.Kind.DISPUTE})
EVERY_STATE = frozenset(Status)


# Documents between organs (the 交办单 of an item handed down, the 转送函 of a transfer, jiefen.cases.notices):
# never served on a citizen.
BETWEEN_ORGANS = ("handover_slip", "transfer_letter")


def _unserved(case):
    return case.issued.filter(served_on__isnull=True).exclude(kind__in=BETWEEN_ORGANS).order_by("issued_on", "id")


def _receipt_out(case):
    return case.issued.filter(served_on__isnull=False, receipt_returned_on__isnull=True).order_by("served_on", "id")


def something_to_serve(case):
    """Guard of 送达文书: a document issued and not yet served."""
    return None if _unserved(case).exists() else _("本案没有待送达的文书")


def receipt_outstanding(case):
    """Guard of 送达回证收回: a document served whose receipt has not come back."""
    return None if _receipt_out(case).exists() else _("本案没有待收回的送达回证")


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.doc_number}）"


class ServeForm(StepForm):
    document = DocumentChoice(label=gettext_lazy("送达文书"), queryset=IssuedDocument.objects.none(),
                              empty_label=None)
    service_method = forms.ChoiceField(
        label=gettext_lazy("送达方式"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT,
    )
    served_on = forms.DateField(label=gettext_lazy("送达日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = _unserved(self.case)


@step("serve_document", form=ServeForm, versioned=False, moves=[
    Move(gettext_lazy("送达文书"), BOTH, EVERY_STATE, None, DESK, unit_roles=UNIT_WORKERS, unit_scope="involved",
         style="secondary"),
], guards=[something_to_serve])
def do_serve_document(user, case, *, document=None, service_method=ServiceMethod.DIRECT, served_on=None, at=None):
    """送达: the document reached the petitioner by `service_method` on `served_on`."""
    if document is None or document.case_id != case.pk:
        raise ActionError(_("请选择要送达的文书"), field="document")
    if document.served_on is not None:
        raise ActionError(_("%(title)s已于%(day)s送达") % {"title": document.title, "day": document.served_on},
                          field="document")
    if service_method not in ServiceMethod.values:
        raise ActionError(_("请选择送达方式"), field="service_method")
    date_not_future(served_on, _("送达日期"), "served_on")
    if served_on < document.issued_on:
        raise ActionError(_("送达日期不能早于文书的成文日期 %(day)s") % {"day": document.issued_on},
                          field="served_on")
    method = ServiceMethod(service_method).label

    def record_service(case, event):
        served = IssuedDocument.objects.filter(pk=document.pk, served_on__isnull=True).update(
            service_method=service_method, served_on=served_on, served_by=user,
        )
        if not served:  # served by someone else meanwhile: this step is undone with its event
            raise ActionError(_("%(title)s已由他人登记送达") % {"title": document.title}, field="document")

    return perform(
        case, user, at=at, summary=_("%(title)s（%(number)s）于%(day)s%(method)s")
        % {"title": document.title, "number": document.doc_number, "day": served_on, "method": method},
        data={"document": document.pk, "service_method": service_method, "served_on": served_on.isoformat()},
        extra=record_service,
    )


class ReceiptForm(StepForm):
    document = DocumentChoice(label=gettext_lazy("送达文书"), queryset=IssuedDocument.objects.none(),
                              empty_label=None)
    returned_on = forms.DateField(label=gettext_lazy("回证收回日期"), widget=DateInput, initial=timezone.localdate)
    signer = forms.CharField(label=gettext_lazy("签收人"), max_length=50,
                             help_text=gettext_lazy("受送达人本人签收的写其姓名；代收或拒收的写明情况"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = _receipt_out(self.case)


@step("return_receipt", form=ReceiptForm, versioned=False, public=False, moves=[
    Move(gettext_lazy("送达回证收回"), BOTH, EVERY_STATE, None, DESK, unit_roles=UNIT_WORKERS,
         unit_scope="involved", style="secondary"),
], guards=[receipt_outstanding])
def do_return_receipt(user, case, *, document=None, returned_on=None, signer="", at=None):
    """送达回证收回: the signed receipt of a served document is back; filed with the case."""
    if document is None or document.case_id != case.pk or document.served_on is None:
        raise ActionError(_("请选择已送达的文书"), field="document")
    if document.receipt_returned_on is not None:
        raise ActionError(_("该文书的送达回证已收回"), field="document")
    date_not_future(returned_on, _("回证收回日期"), "returned_on")
    if returned_on < document.served_on:
        raise ActionError(_("回证收回日期不能早于送达日期 %(day)s") % {"day": document.served_on},
                          field="returned_on")
    signer = required(signer, _("请填写签收人"), "signer")

    def record_return(case, event):
        returned = IssuedDocument.objects.filter(pk=document.pk, receipt_returned_on__isnull=True).update(
            receipt_returned_on=returned_on, receipt_signer=signer,
        )
        if not returned:
            raise ActionError(_("该文书的送达回证已由他人登记收回"), field="document")

    return perform(
        case, user, at=at, summary=_("%(title)s送达回证收回（%(who)s签收）") % {"title": document.title, "who": signer},
        data={"document": document.pk, "returned_on": returned_on.isoformat(), "signer": signer},
        extra=record_return,
    )
