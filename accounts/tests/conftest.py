import pytest


@pytest.fixture(autouse=True)
def own_export_storage(export_storage):
    """Deleting an athlete deletes their files: in this test's own directory (the
    root conftest's fixture)."""
