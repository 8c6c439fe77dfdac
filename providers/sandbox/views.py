"""The sandbox control page: the sandbox athletes and their fault switches.

Only reachable when the sandbox is mounted (development, demo, tests), so it needs
no login; it is a tool for whoever runs the machine.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import faults
from .data import ATHLETES, get_athlete, provider_user_id
from .models import Fault


@require_http_methods(["GET", "POST"])
def control(request):
    if request.method == "POST":
        athlete = get_athlete(request.POST["athlete"])
        wanted = set(request.POST.getlist("fault"))
        for kind in Fault.Kind.values:
            faults.set_fault(athlete.id, kind, kind in wanted)
        return redirect("sandbox-control")
    rows = [
        {
            "athlete": athlete,
            "ids": {slug: provider_user_id(slug, athlete) for slug in SLUGS},
            "faults": faults.active(athlete.id),
        }
        for athlete in ATHLETES
    ]
    return render(
        request, "sandbox/control.html", {"rows": rows, "kinds": Fault.Kind.choices}
    )


SLUGS = ("strava", "garmin", "polar", "coros", "wahoo", "fitbit")
