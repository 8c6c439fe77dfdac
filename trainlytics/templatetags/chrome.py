"""The site chrome's fixed parts, built once per language and URLconf.

Every page prints the header's links and the footer's words: as `{% url %}` and
`{% translate %}` tags they cost a tenth of a dashboard request (bench/web.py).
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext, gettext_noop, pgettext

register = template.Library()

NAV = (
    ("sync:dashboard", gettext_noop("Dashboard")),
    ("sync:activities", gettext_noop("Activities")),
    ("planning:calendar", gettext_noop("Calendar")),
    ("analytics:analytics", gettext_noop("Analytics")),
    ("providers:connections", gettext_noop("Connections")),
)


@register.simple_tag
def chrome():
    """{% chrome as c %}: c.nav (the athlete's links), c.urls and c.words."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _chrome(get_language(), urlconf, get_script_prefix())


@lru_cache(maxsize=32)
def _chrome(language, urlconf, script_prefix):
    nav = format_html_join(
        "\n        ",
        '<a href="{}">{}</a>',
        ((reverse(name, urlconf=urlconf), gettext(label)) for name, label in NAV),
    )
    urls = {
        key: reverse(name, urlconf=urlconf)
        for key, name in (
            ("dashboard", "sync:dashboard"),
            ("account", "account"),
            ("logout", "logout"),
            ("login", "login"),
            ("signup", "signup"),
            ("set_language", "set_language"),
        )
    }
    privacy = format_html(
        '<a href="{}" class="privacy-link">{}</a>',
        reverse("privacy", urlconf=urlconf),
        gettext("Privacy: what we store and how to delete it"),
    )
    words = {
        "skip": gettext("Skip to content"),
        "main": pgettext("navigation landmark", "Main"),
        "your_account": gettext("Your account"),
        "log_out": gettext("Log out"),
        "log_in": gettext("Log in"),
        "sign_up": gettext("Sign up"),
        "language": gettext("Language"),
        "change_language": gettext("Change language"),
    }
    return {"nav": nav, "urls": urls, "privacy": privacy, "words": words}
