"""Our own sport vocabulary; every backend maps its provider's codes onto it."""

from django.db import models


class SportType(models.TextChoices):
    RUN = "run", "Run"
    TRAIL_RUN = "trail_run", "Trail run"
    TREADMILL_RUN = "treadmill_run", "Treadmill run"
    WALK = "walk", "Walk"
    HIKE = "hike", "Hike"
    RIDE = "ride", "Ride"
    MOUNTAIN_BIKE_RIDE = "mountain_bike_ride", "Mountain bike ride"
    GRAVEL_RIDE = "gravel_ride", "Gravel ride"
    VIRTUAL_RIDE = "virtual_ride", "Virtual ride"
    EBIKE_RIDE = "ebike_ride", "E-bike ride"
    SWIM = "swim", "Pool swim"
    OPEN_WATER_SWIM = "open_water_swim", "Open-water swim"
    ROWING = "rowing", "Rowing"
    INDOOR_ROWING = "indoor_rowing", "Indoor rowing"
    STRENGTH = "strength", "Strength training"
    YOGA = "yoga", "Yoga"
    HIIT = "hiit", "HIIT"
    ELLIPTICAL = "elliptical", "Elliptical"
    CROSS_COUNTRY_SKI = "cross_country_ski", "Cross-country ski"
    ALPINE_SKI = "alpine_ski", "Alpine ski"
    MULTISPORT = "multisport", "Multisport"
    WORKOUT = "workout", "Workout"
    OTHER = "other", "Other"


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
