"""The French catalog is whole: every entry translated, none fuzzy, all compiled."""

import pytest
from babel.messages import pofile
from django.utils import translation

from trainlytics.locales import po_files


def french_catalog():
    (po,) = [path for path in po_files() if path.parts[-3] == "fr"]
    with po.open("rb") as source:
        return pofile.read_po(source)


def entries():
    return [message for message in french_catalog() if message.id]


def test_french_catalog_exists_with_entries():
    assert len(entries()) > 100


def test_no_french_entry_is_left_empty():
    empty = [
        message.id
        for message in entries()
        if not all(message.string)
        if isinstance(message.string, tuple)
    ] + [
        message.id
        for message in entries()
        if isinstance(message.string, str) and not message.string
    ]
    assert empty == []


def test_no_french_entry_is_fuzzy():
    assert [message.id for message in entries() if message.fuzzy] == []


def test_french_entries_keep_their_placeholders():
    """A translation that drops `%(name)s` or `{name}` would fail or lie at runtime."""
    import re

    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
    wrong = []
    for message in entries():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        wanted = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        for string in strings:
            missing = set(placeholder.findall(ids[0])) - set(
                placeholder.findall(string)
            )
            extra = set(placeholder.findall(string)) - wanted
            if extra or (missing and len(ids) == 1):
                wrong.append(ids[0])
    assert wrong == []


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "Tableau de bord"), ("en", "Dashboard")]
)
def test_compiled_catalog_is_what_django_reads(language, expected):
    with translation.override(language):
        assert translation.gettext("Dashboard") == expected
