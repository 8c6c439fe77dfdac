"""What the providers' display rules ask of a page that shows their data.

Strava (https://developers.strava.com/guidelines/): every Strava activity links
"View on Strava" to its page on strava.com. Garmin
(https://developer.garmin.com/brand-guidelines/): Garmin data is attributed as
"Garmin" followed by the device model that recorded it.
"""

from html import escape as html_escape

from django.utils.translation import gettext

STRAVA = "strava"
GARMIN = "garmin"
STRAVA_ACTIVITY_URL = "https://www.strava.com/activities/{}"


def strava_id_of(activity):
    """The Strava id of the activity's session: its own if it is the Strava copy,
    else its Strava sibling's (`provider_ids`, from queries.attach_sessions); "" when
    the session has no Strava copy."""
    if activity.provider == STRAVA:
        return activity.provider_activity_id
    return getattr(activity, "provider_ids", {}).get(STRAVA, "")


def strava_activity_url(provider_activity_id):
    return STRAVA_ACTIVITY_URL.format(provider_activity_id)


def garmin_attribution(device_name):
    """ "Garmin Forerunner 965"; "Garmin" alone when the device is unknown. Device
    names that already carry the brand are not prefixed twice."""
    device = (device_name or "").strip()
    if not device:
        return "Garmin"
    if device.casefold().startswith("garmin"):
        return device
    return f"Garmin {device}"


def feed_row_attribution_html(activity, view_on_strava):
    """What a feed row adds after the activity's name: the "View on Strava" link
    (text `view_on_strava`, translated once per page) when the session has a Strava
    copy, and the Garmin device when the row is Garmin's copy with a known device
    (its badge already says "Garmin"). Escaped here, like the rest of the row."""
    parts = []
    strava_id = strava_id_of(activity)
    if strava_id:
        url = html_escape(strava_activity_url(strava_id))
        parts.append(
            f' <a class="view-on-strava" href="{url}" target="_blank" rel="noopener">'
            f"{html_escape(view_on_strava)}</a>"
        )
    if activity.provider == GARMIN and activity.device_name:
        parts.append(
            ' <span class="attribution">'
            f"{html_escape(garmin_attribution(activity.device_name))}</span>"
        )
    return "".join(parts)


def view_on_strava_label():
    # Strava's required link wording, in the page's language.
    return gettext("View on Strava")
