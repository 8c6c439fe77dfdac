"""The athlete's units (metric or imperial) for every page.

The conversions live in sync.display (sync's and planning's pages use them too and
cannot import analytics); they are re-exported here for analytics' own modules.
lookup() is what sync.display.units_of asks (registered in apps.py): the setting is
kept in the cache by user id, so a page that prints a distance adds no query once
the athlete has logged in (the login warms it). A save of the settings replaces it.
"""

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sync.display import (  # noqa: F401 - re-exported for analytics' modules
    FEET_PER_METRE,
    METRES_PER_MILE,
    format_distance,
    format_elevation,
    format_number,
    format_pace,
    format_speed,
    remember,
    unit_label,
    units_of,
)

from .models import AthleteSettings, Units

# As analytics.cache: with a per-process cache, other processes see a change after
# this; with a shared one (CACHE_URL), at once.
TTL_S = 10 * 60


def _key(user_id):
    return f"analytics:units:{user_id}"


def lookup(user_id):
    """The athlete's units: from the cache, else their settings (metric without)."""
    key = _key(user_id)
    found = cache.get(key)
    if found is None:
        rows = AthleteSettings.objects.filter(user_id=user_id).values_list("units")
        found = (rows.first() or (Units.METRIC,))[0]
        cache.set(key, str(found), TTL_S)
    return str(found)


def _forget(user_id):
    # Now, so this transaction reads the new value; again on commit, in case another
    # request cached the old one in between.
    cache.delete(_key(user_id))
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


@receiver(post_save, sender=AthleteSettings, dispatch_uid="analytics-units-saved")
def settings_saved(sender, instance, **kwargs):
    # Most saves keep the units (the row made with the first loads, a new FTP):
    # the cached value stays right, and the next page costs no query.
    if cache.get(_key(instance.user_id)) != instance.units:
        _forget(instance.user_id)


@receiver(post_delete, sender=AthleteSettings, dispatch_uid="analytics-units-gone")
def settings_deleted(sender, instance, **kwargs):
    _forget(instance.user_id)


@receiver(user_logged_in, dispatch_uid="analytics-units-login")
def warm_on_login(sender, user, **kwargs):
    """Read the units as the athlete logs in, so their first pages need not."""
    lookup(user.pk)
