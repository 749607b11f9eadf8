from django.utils.functional import SimpleLazyObject

from . import authz


def authz_flags(request):
    """`authz` in every page: what the pages may offer this user (authz.Perms), worked out only when a template
    asks. Templates test these flags, never the role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"authz": SimpleLazyObject(lambda: authz.perms_of(user))}
