"""The compiled translations: `make` builds them; a bare `pytest` rebuilds stale ones.

Babel compiles the .po files (pure Python), so running the app needs no GNU gettext;
only `makemessages`, which re-extracts the msgids, does.
"""

from pathlib import Path

from django.conf import settings


def po_files():
    return sorted(
        path
        for root in settings.LOCALE_PATHS
        for path in Path(root).glob("*/LC_MESSAGES/django.po")
    )


def compile_stale():
    """Write each django.mo older than its .po; returns the paths written."""
    from babel.messages import mofile, pofile

    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = pofile.read_po(source)
        with mo.open("wb") as target:
            mofile.write_mo(target, catalog, use_fuzzy=False)
        written.append(mo)
    return written
