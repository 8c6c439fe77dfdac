"""Personal records per sport family, over the athlete's sessions (canonical copies).

Families are sync's (providers.sports.SPORT_FAMILIES: run, ride, swim, walk, row,
gym, ski; any other sport is its own family): a trail run's distance competes with a
road run's. From summaries: the longest distance and the longest duration (moving
time, else elapsed time). From streams: the best efforts each session's streams row
holds (ActivityStreams.efforts, analytics.streams.store.efforts_of): the fastest 1 km,
5 km and 10 km in the run and walk families (a ride's 10 km says more about the wind
than the rider: not a record), the best 5 s, 1 min, 5 min and 20 min power in the
ride family (running power meters do not compare with cycling ones).
"""

from datetime import UTC, timedelta
from typing import NamedTuple

from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from providers.sports import SPORT_FAMILIES
from sync.display import format_number
from sync.messages import format_duration, sport_label
from sync.models import Activity

from .models import ActivityStreams, StreamStatus

FAMILY_LABELS = {
    "run": gettext_lazy("Running"),
    "walk": gettext_lazy("Walking and hiking"),
    "ride": gettext_lazy("Cycling"),
    "swim": gettext_lazy("Swimming"),
    "row": gettext_lazy("Rowing"),
    "gym": gettext_lazy("Gym"),
    "ski": gettext_lazy("Skiing"),
}
FAMILY_OF = {sport: name for name, sports in SPORT_FAMILIES.items() for sport in sports}
FIELDS = (
    "id",
    "name",
    "sport_type",
    "start_time",
    "utc_offset_s",
    "distance_m",
    "seconds",
)
# record name: the session's column holding the measure
MEASURES = {"distance": "distance_m", "duration": "seconds"}


def family_of(sport):
    return FAMILY_OF.get(sport, sport)


def family_label(family):
    """The family's name in the active language, a plain str."""
    found = FAMILY_LABELS.get(family)
    return str(found) if found is not None else sport_label(family)


def _best_values(sessions):
    """{(family, record name): (best value, {sports reaching it})}, from each
    sport's maxima (one grouped query)."""
    best = {}
    maxima = sessions.values("sport_type").annotate(
        distance=Max("distance_m"), duration=Max("seconds")
    )
    for row in maxima.order_by():
        family = family_of(row["sport_type"])
        for record in MEASURES:
            value = row[record]
            if value is None:
                continue
            top, sports = best.get((family, record), (None, set()))
            if top is None or value > top:
                best[(family, record)] = (value, {row["sport_type"]})
            elif value == top:
                sports.add(row["sport_type"])
    return best


def personal_records(user_id):
    """[{family, label, distance, duration, efforts}] for every family the athlete
    has done, by label; distance and duration are the record sessions (dicts with
    id, name, sport_type, start_time, distance_m, seconds) or None. A tie goes to
    the earliest session. Three queries, whatever the number of sessions."""
    sessions = Activity.objects.filter(user_id=user_id, is_canonical=True).annotate(
        seconds=Coalesce("moving_time_s", "elapsed_time_s")
    )
    best = _best_values(sessions)
    if not best:
        return []
    holders = Q()
    for (_, record), (value, sports) in best.items():
        holders |= Q(sport_type__in=sports, **{MEASURES[record]: value})
    found = {}
    for row in sessions.filter(holders).order_by("start_time", "id").values(*FIELDS):
        family = family_of(row["sport_type"])
        for record, column in MEASURES.items():
            top = best.get((family, record))
            if top and row[column] == top[0]:
                row["date"] = local_day(row["start_time"], row["utc_offset_s"])
                found.setdefault((family, record), row)
    efforts = best_efforts(user_id)
    families = sorted({family for family, _ in best}, key=family_label)
    return [
        {
            "family": family,
            "label": family_label(family),
            "distance": found.get((family, "distance")),
            "duration": found.get((family, "duration")),
            "efforts": efforts.get(family, []),
        }
        for family in families
    ]


class Effort(NamedTuple):
    kind: str  # the family of keys in ActivityStreams.efforts
    key: str  # metres or seconds, as a string (JSON's keys)
    name: str  # lazy: translated when shown
    unit: str  # "s" (lower is better) or "W" (higher is better)
    families: set


# In the order they are shown.
EFFORTS = (
    Effort("distance", "1000", gettext_lazy("Fastest 1 km"), "s", {"run", "walk"}),
    Effort("distance", "5000", gettext_lazy("Fastest 5 km"), "s", {"run", "walk"}),
    Effort("distance", "10000", gettext_lazy("Fastest 10 km"), "s", {"run", "walk"}),
    Effort("power", "5", gettext_lazy("Best 5 s power"), "W", {"ride"}),
    Effort("power", "60", gettext_lazy("Best 1 min power"), "W", {"ride"}),
    Effort("power", "300", gettext_lazy("Best 5 min power"), "W", {"ride"}),
    Effort("power", "1200", gettext_lazy("Best 20 min power"), "W", {"ride"}),
)
# The session a streams row belongs to: its own activity when canonical, else its
# group's canonical copy (grouping may have moved the flag since the fetch).
EFFORT_FIELDS = (
    "efforts",
    "activity_id",
    "activity__is_canonical",
    "activity__sport_type",
    "activity__start_time",
    "activity__utc_offset_s",
    "activity__group__canonical_id",
    "activity__group__canonical__sport_type",
    "activity__group__canonical__start_time",
    "activity__group__canonical__utc_offset_s",
)


def best_efforts(user_id):
    """{family: [{"name", "value", "unit", "text", "activity_id", "start_time",
    "date"}]}: the best of each effort over the athlete's sessions, in EFFORTS'
    order, each held by the session's canonical copy (a tie goes to the earliest
    session). One query; the streams' data is never read."""
    best = {}
    for session in _sessions(user_id):
        family = family_of(session["sport_type"])
        for effort in EFFORTS:
            value = session["efforts"].get(effort.kind, {}).get(effort.key)
            if family not in effort.families or value is None:
                continue
            held = best.get((family, effort.name))
            if held is None or _beats(value, session, held, effort.unit):
                best[(family, effort.name)] = _effort(effort, value, session)
    found = {}
    for effort in EFFORTS:  # keyed by family, in EFFORTS' order
        for family in sorted(effort.families):
            if (family, effort.name) in best:
                found.setdefault(family, []).append(best[(family, effort.name)])
    return found


def _sessions(user_id):
    """One dict per session with a ready streams row: efforts, activity_id (the
    canonical copy), sport_type, start_time, utc_offset_s. When a session has two
    rows (copies merged after each got one), the canonical copy's row wins."""
    rows = ActivityStreams.objects.filter(
        activity__user_id=user_id, status=StreamStatus.READY
    ).filter(
        Q(activity__is_canonical=True) | Q(activity__group__canonical__isnull=False)
    )
    sessions = {}
    for row in rows.values(*EFFORT_FIELDS).order_by():
        own = row["activity__is_canonical"]
        prefix = "activity__" if own else "activity__group__canonical__"
        pk = row["activity_id"] if own else row["activity__group__canonical_id"]
        if pk in sessions and not own:
            continue
        sessions[pk] = {
            "efforts": row["efforts"] or {},
            "activity_id": pk,
            "sport_type": row[prefix + "sport_type"],
            "start_time": row[prefix + "start_time"],
            "utc_offset_s": row[prefix + "utc_offset_s"],
        }
    return sessions.values()


def _beats(value, session, held, unit):
    if value != held["value"]:
        return value < held["value"] if unit == "s" else value > held["value"]
    return (session["start_time"], session["activity_id"]) < (
        held["start_time"],
        held["activity_id"],
    )


def local_day(start, utc_offset_s):
    """The day a session was done where it was done (the provider's offset), as
    loads count it."""
    return (start.astimezone(UTC) + timedelta(seconds=utc_offset_s or 0)).date()


def _effort(effort, value, session):
    start = session["start_time"]
    seconds = effort.unit == "s"
    return {
        "name": str(effort.name),
        "value": value,
        "unit": effort.unit,
        "text": format_duration(round(value))
        if seconds
        else format_number(value, 0, "W"),
        "activity_id": session["activity_id"],
        "start_time": start,
        "date": local_day(start, session["utc_offset_s"]),
    }
