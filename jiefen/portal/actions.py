"""Writes of the public portal: the centre's service account, an online submission, a failed tracking attempt.

Citizens have no staff account. What they do reaches the case through the same action functions as the desk,
acting as the centre's service account (a clerk named 网上信访平台 who cannot log in), so every rule, event and
audit record is the desk's own.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases import uploads
from jiefen.cases.actions import ActionError, do_register_case
from jiefen.cases.actions.intake import Intake
from jiefen.cases.models import Case, Channel, Party
from jiefen.cases.steps import do_add_document
from jiefen.org.models import Role, Unit, User

from .models import Submission, TrackingFailure

SERVICE_ACCOUNT_NAME = "网上信访平台"
# Guessing query codes: this many wrong codes for one case number from one address within the window blocks it.
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)


def service_account(centre):
    """The centre's portal account (created on first use, with an audit record): who registers online items."""
    username = f"portal-{centre.code}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": SERVICE_ACCOUNT_NAME, "role": Role.CLERK, "unit": centre, "password": "!"},
        )
        if created:
            record(None, "portal.service_account", user, centre=centre.code)
    return user


def public_centres():
    return Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).order_by("path")


def register_once(key, source, register):
    """Run `register()` (which opens a case) once per idempotency `key`: returns (case, created).

    A key seen before returns its case, whoever races whom: the unique key decides, and the loser's transaction
    (case number included) rolls back before any file of it is stored.
    """
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise ActionError(_("提交标识无效，请刷新页面后重新提交"), field="key")
    existing = submitted_case(key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            case = register(lambda case: Submission.objects.create(key=key, source=source, case=case))
    except IntegrityError:
        # The same key committed meanwhile (a double click racing itself): its case stands, ours rolled back.
        existing = submitted_case(key)
        if existing is None:
            raise
        return existing, False
    return case, True


def submitted_case(key):
    found = Submission.objects.filter(key=key).select_related("case").first()
    return found.case if found else None


def do_submit_petition(acting_user, *, key, source=Submission.Source.PORTAL, legal_class, category, village,
                       request, party, facts="", files=(), accused_unit=None):
    """Register an online petition (channel 网上) once per idempotency `key`: returns (case, created).

    The matter passes the one intake check (actions.intake.Intake) and attachments, images or PDF, are checked by
    content before anything is written; a refusal raises ActionError and leaves nothing behind, row or file.
    """
    try:
        intake = Intake.build(
            acting_user, kind=Case.Kind.PETITION, channel=Channel.ONLINE, legal_class=legal_class, category=category,
            request=request, facts=facts, village=village, parties=[{**party, "role": Party.Role.PETITIONER}],
            accused_unit=accused_unit,
        )
    except ActionError as refused:
        # One petitioner, whose fields are the form's own: "parties.0.phone" is the form's "phone".
        field = refused.field or ""
        raise ActionError(refused.message, field=field.removeprefix("parties.0.") or None) from None
    files = [f for f in files if f]
    try:
        uploads.check_uploads(files, uploads.IMAGES_AND_PDF)
    except uploads.UploadRefused as refused:
        raise ActionError(refused.message, field="attachments") from None

    def register(remember):
        case = do_register_case(acting_user, intake)
        remember(case)  # before any file is stored: a second submit with this key fails here and stores nothing
        if files:
            do_add_document(acting_user, case, title=_("信访人网上提交的材料"), files=files)
        return case

    return register_once(key, source, register)


def throttled(address, number):
    """Whether this address has guessed wrong too often for this case number lately."""
    since = timezone.now() - FAILURE_WINDOW
    return TrackingFailure.objects.filter(address=address, number=number, at__gte=since).count() >= MAX_FAILURES


@transaction.atomic
def do_record_tracking_failure(address, number):
    """Count a wrong case number or query code (one row, one audit record); never the code that was tried."""
    failure = TrackingFailure.objects.create(address=address or "", number=number[:32], at=timezone.now())
    record(None, "portal.track_failed", None, number=failure.number)
    return failure
