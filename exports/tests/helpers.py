"""Building an export the way the page does, and reading its zip back."""

import io
import zipfile

from exports import services
from exports.models import AccountExport


def build(user, django_capture_on_commit_callbacks):
    """Start an export and run its task (inline: ImmediateBackend); the row after."""
    with django_capture_on_commit_callbacks(execute=True):
        export, created = services.start_export(user)
    assert created
    return AccountExport.objects.get(pk=export.pk)


def open_zip(export):
    with export.file.open("rb") as f:
        return zipfile.ZipFile(io.BytesIO(f.read()))


def zip_of(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
