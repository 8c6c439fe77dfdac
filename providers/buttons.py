"""A provider's connect (or reconnect) button, built once per language and provider.

The dashboard prints one per card; an included template cost more than the card's
queries. Strava's brand guidelines ask for their "Connect with Strava" artwork, with
its official wording, for every way into Strava's authorisation:
https://developers.strava.com/guidelines/ (static/img/strava-connect.svg is a stand-in
drawn to those rules: the official asset could not be downloaded here).
"""

from functools import lru_cache

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import get_language, gettext


def connect_button_html(slug, name, reconnect=False):
    """The submit button of the form that starts `slug`'s OAuth flow."""
    return _button(slug, name, reconnect, get_language())


@lru_cache(maxsize=128)
def _button(slug, name, reconnect, language):
    if slug == "strava":
        return format_html(
            '<button type="submit" class="strava-connect"><img src="{}" '
            'alt="Connect with Strava" width="193" height="48"></button>',
            static("img/strava-connect.svg"),
        )
    words = (
        gettext("Reconnect %(provider)s")
        if reconnect
        else gettext("Connect %(provider)s")
    )
    return format_html('<button type="submit">{}</button>', words % {"provider": name})


def powered_by_strava_html():
    """Strava's "Powered by Strava" logo, wherever Strava data is shown."""
    return format_html(
        '<p class="powered-by-strava"><img src="{}" alt="Powered by Strava" '
        'width="162" height="30"></p>',
        static("img/strava-powered-by.svg"),
    )
