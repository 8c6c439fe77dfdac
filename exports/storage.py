"""Private storage for export zips and providers' original files: STORAGES["exports"].

A filesystem directory outside static/ and STATIC_ROOT by default (EXPORTS_ROOT), or
any Django storage backend (EXPORTS_STORAGE_BACKEND, EXPORTS_STORAGE_OPTIONS: an
S3-compatible bucket through django-storages). Files are only ever handed out by
exports.views.download, to their owner; the storage never serves them itself.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class ExportsStorage(LazyObject):
    """storages["exports"], looked up when first used (like default_storage)."""

    def _setup(self):
        self._wrapped = storages["exports"]


exports_storage = ExportsStorage()


def get_storage():
    """FileField's `storage` callable: migrations record this name, not a backend."""
    return exports_storage


@receiver(setting_changed)
def _forget_backend(*, setting, **kwargs):
    # Only tests change settings at run time (a tmp_path directory per test).
    if setting == "STORAGES":
        exports_storage._wrapped = empty
