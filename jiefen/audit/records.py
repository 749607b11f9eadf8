from .context import current_address
from .models import AuditRecord


def record(actor, action, obj=None, *, result="ok", **details):
    """Append one audit record; call inside the transaction of the change it records."""
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        address=current_address.get(),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_ref=str(obj) if obj is not None else "",
        result=result,
        details=details,
    )
