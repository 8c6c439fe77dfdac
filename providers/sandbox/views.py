"""The sandbox control page: the sandbox athletes, their fault switches and the
planned workouts clients sent them (Garmin Training API, Wahoo plans).

Only reachable when the sandbox is mounted (development, demo, tests), so it needs
no login; it is a tool for whoever runs the machine.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import faults, token_cap
from .base import client_id_for
from .data import ATHLETES, get_athlete, provider_user_id
from .models import Fault, ReceivedWorkout


@require_http_methods(["GET", "POST"])
def control(request):
    if request.method == "POST":
        athlete = get_athlete(request.POST["athlete"])
        if request.POST.get("action") == "wahoo-remove-app":
            # What the athlete does in the Wahoo app to clear the token cap.
            token_cap.revoke_all(WAHOO_CLIENT, athlete.id)
        else:
            _save_switches(athlete, set(request.POST.getlist("fault")))
        return redirect("sandbox-control")
    rows = [
        {
            "athlete": athlete,
            "ids": {slug: provider_user_id(slug, athlete) for slug in SLUGS},
            "faults": faults.active(athlete.id),
            "wahoo_tokens": token_cap.unrevoked(WAHOO_CLIENT, athlete.id),
            "received": [
                (row, received_summary(row))
                for row in ReceivedWorkout.objects.filter(athlete_id=athlete.id)
            ],
        }
        for athlete in ATHLETES
    ]
    context = {"rows": rows, "kinds": Fault.Kind.choices, "cap": token_cap.CAP}
    return render(request, "sandbox/control.html", context)


def received_summary(row):
    """One line on what arrived: the steps of a workout or plan, a schedule's day."""
    payload = row.payload
    if row.kind == ReceivedWorkout.Kind.GARMIN_WORKOUT:
        return f"{payload.get('sport')}, {len(payload.get('steps', []))} steps"
    if row.kind == ReceivedWorkout.Kind.WAHOO_PLAN:
        return f"{len(payload.get('plan', {}).get('intervals', []))} intervals"
    minutes = payload.get("minutes")
    return f"{minutes} min" if minutes is not None else ""


def _save_switches(athlete, wanted):
    for kind in Fault.Kind.values:
        faults.set_fault(athlete.id, kind, kind in wanted)


WAHOO_CLIENT = client_id_for("wahoo")
SLUGS = ("strava", "garmin", "polar", "coros", "wahoo", "fitbit")
