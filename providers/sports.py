"""Our own sport vocabulary; every backend maps its provider's codes onto it."""

from django.db import models
from django.utils.translation import pgettext_lazy


class SportType(models.TextChoices):
    # Labels are nouns (a "Run" is a session); the "sport" context keeps them apart
    # from the same English words used as verbs or statuses.
    RUN = "run", pgettext_lazy("sport", "Run")
    TRAIL_RUN = "trail_run", pgettext_lazy("sport", "Trail run")
    TREADMILL_RUN = "treadmill_run", pgettext_lazy("sport", "Treadmill run")
    WALK = "walk", pgettext_lazy("sport", "Walk")
    HIKE = "hike", pgettext_lazy("sport", "Hike")
    RIDE = "ride", pgettext_lazy("sport", "Ride")
    MOUNTAIN_BIKE_RIDE = (
        "mountain_bike_ride",
        pgettext_lazy("sport", "Mountain bike ride"),
    )
    GRAVEL_RIDE = "gravel_ride", pgettext_lazy("sport", "Gravel ride")
    VIRTUAL_RIDE = "virtual_ride", pgettext_lazy("sport", "Virtual ride")
    EBIKE_RIDE = "ebike_ride", pgettext_lazy("sport", "E-bike ride")
    SWIM = "swim", pgettext_lazy("sport", "Pool swim")
    OPEN_WATER_SWIM = "open_water_swim", pgettext_lazy("sport", "Open-water swim")
    ROWING = "rowing", pgettext_lazy("sport", "Rowing")
    INDOOR_ROWING = "indoor_rowing", pgettext_lazy("sport", "Indoor rowing")
    STRENGTH = "strength", pgettext_lazy("sport", "Strength training")
    YOGA = "yoga", pgettext_lazy("sport", "Yoga")
    HIIT = "hiit", pgettext_lazy("sport", "HIIT")
    ELLIPTICAL = "elliptical", pgettext_lazy("sport", "Elliptical")
    CROSS_COUNTRY_SKI = "cross_country_ski", pgettext_lazy("sport", "Cross-country ski")
    ALPINE_SKI = "alpine_ski", pgettext_lazy("sport", "Alpine ski")
    MULTISPORT = "multisport", pgettext_lazy("sport", "Multisport")
    WORKOUT = "workout", pgettext_lazy("sport", "Workout")
    OTHER = "other", pgettext_lazy("sport", "Other")


# Sports that can be the same real session recorded by two devices/services.
SPORT_FAMILIES = {
    "run": {SportType.RUN, SportType.TRAIL_RUN, SportType.TREADMILL_RUN},
    "walk": {SportType.WALK, SportType.HIKE},
    "ride": {
        SportType.RIDE,
        SportType.MOUNTAIN_BIKE_RIDE,
        SportType.GRAVEL_RIDE,
        SportType.VIRTUAL_RIDE,
        SportType.EBIKE_RIDE,
    },
    "swim": {SportType.SWIM, SportType.OPEN_WATER_SWIM},
    "row": {SportType.ROWING, SportType.INDOOR_ROWING},
    "gym": {SportType.STRENGTH, SportType.HIIT, SportType.WORKOUT},
    "ski": {SportType.CROSS_COUNTRY_SKI, SportType.ALPINE_SKI},
}
