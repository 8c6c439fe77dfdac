"""No template holds code or style the Content-Security-Policy would block.

The policy allows scripts and styles from our own files only ('self', no
'unsafe-inline'), so an inline <script> body, an on…= handler, a style= attribute, a
<style> element or a javascript: URL would silently not work in the browser. Data
for scripts travels in data- attributes or json_script; colours in SVG attributes.
There are no exceptions.
"""

import re

import pytest
from django.conf import settings

TEMPLATE_DIRS = [
    settings.BASE_DIR / "templates",
    settings.BASE_DIR / "providers" / "sandbox" / "templates",
]
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
ATTRIBUTE_PROBLEMS = {
    "an on…= event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
}


def problems(html):
    """What in `html` a strict policy blocks, one description per finding."""
    html = COMMENTS.sub("", html)
    found = []
    for attrs, body in SCRIPT.findall(html):
        if body.strip() or "src=" not in attrs:
            found.append("an inline <script>")
    if re.search(r"<style\b", html, re.IGNORECASE):
        found.append("a <style> element")
    for tag in TAG.findall(html):
        found += [name for name, rx in ATTRIBUTE_PROBLEMS.items() if rx.search(tag)]
    return found


def templates():
    return sorted(path for root in TEMPLATE_DIRS for path in root.rglob("*.html"))


def test_the_scan_covers_the_site_and_the_sandbox():
    names = {path.name for path in templates()}
    assert {"base.html", "consent.html", "control.html"} <= names
    assert len(names) > 40


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="/static/x.js">alert(1)</script>',
        '<button onclick="go()">Go</button>',
        '<a href="/" onMouseOver = "go()">Go</a>',
        '<span style="color: red">!</span>',
        "<style>p { color: red }</style>",
        '<a href="javascript:go()">Go</a>',
    ],
)
def test_the_scan_finds_each_kind_of_inline_code(html):
    assert problems(html)


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/js/route-map.js" defer></script>',
        '<svg class="swatch"><rect fill="#0b63c5"/></svg>',
        '<p data-onload="x">The style of a run; click on=off.</p>',
        '<link rel="stylesheet" href="/static/css/site.css">',
        "{# htmx's own <style> is switched off #}",
    ],
)
def test_the_scan_passes_external_files_and_svg_attributes(html):
    assert problems(html) == []


@pytest.mark.parametrize(
    "path", templates(), ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_holds_inline_script_or_style(path):
    assert problems(path.read_text()) == []
