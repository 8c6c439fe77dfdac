"""Personal records per sport family, over the athlete's sessions (canonical copies).

Families are sync's (providers.sports.SPORT_FAMILIES: run, ride, swim, walk, row,
gym, ski; any other sport is its own family): a trail run's distance competes with a
road run's. From summaries: the longest distance and the longest duration (moving
time, else elapsed time). Best efforts over a distance or a time need streams: see
best_efforts().
"""

from django.db.models import Max, Q
from django.db.models.functions import Coalesce

from providers.sports import SPORT_FAMILIES, SportType
from sync.models import Activity

FAMILY_LABELS = {
    "run": "Running",
    "walk": "Walking and hiking",
    "ride": "Cycling",
    "swim": "Swimming",
    "row": "Rowing",
    "gym": "Gym",
    "ski": "Skiing",
}
FAMILY_OF = {sport: name for name, sports in SPORT_FAMILIES.items() for sport in sports}
SPORT_LABELS = dict(SportType.choices)
FIELDS = ("id", "name", "sport_type", "start_time", "distance_m", "seconds")
# record name: the session's column holding the measure
MEASURES = {"distance": "distance_m", "duration": "seconds"}


def family_of(sport):
    return FAMILY_OF.get(sport, sport)


def family_label(family):
    return FAMILY_LABELS.get(family) or SPORT_LABELS.get(family, family)


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
    the earliest session. Two queries, whatever the number of sessions."""
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


def best_efforts(user_id):
    """{family: [{"name", "value", "activity_id"}]}: the best 1 km, 5 km, 10 km and
    5 s / 1 min / 5 min / 20 min power of the athlete's streams.

    Hook: the best efforts of one stream are computed by analytics/analysis.py
    (written beside this); until per-activity efforts are stored where one query
    can rank them, records come from summaries only and this is empty.
    """
    return {}
