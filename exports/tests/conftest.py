import pytest

from analytics.tests.streams_helpers import backends, queued  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def own_export_storage(export_storage):
    """Every exports test sees only the files it made (the root conftest's fixture)."""


@pytest.fixture
def stored_files(export_storage):
    """The files under the exports storage right now, as relative paths."""

    def files():
        if not export_storage.exists():
            return []
        return sorted(
            str(p.relative_to(export_storage))
            for p in export_storage.rglob("*")
            if p.is_file()
        )

    return files
