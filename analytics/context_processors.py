"""`units` in every template: the athlete's metric/imperial setting, read lazily."""

from django.utils.functional import SimpleLazyObject

from sync.display import units_of


def units(request):
    user = getattr(request, "user", None)
    return {"units": SimpleLazyObject(lambda: str(units_of(user)))}
