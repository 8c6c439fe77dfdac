"""One planned workout's pages: detail, create, edit, duplicate, move, delete, its
match to a session, and sending it to a device. Every workout is looked up within
the athlete's own, so another athlete's id is a 404."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sync.display import units_of
from sync.models import Activity, Workout

from . import delivery, services
from .calendar import dated_label
from .detail import detail_context
from .forms import DayForm, WorkoutForm, apply_errors, initial_for
from .periods import week_url


def _own(request, workout_id):
    return get_object_or_404(Workout, pk=workout_id, user=request.user)


@login_required
@require_http_methods(["GET"])
def detail(request, workout_id):
    workout = get_object_or_404(
        Workout.objects.select_related("completed_activity"),
        pk=workout_id,
        user=request.user,
    )
    context = detail_context(workout, request.user)
    return render(request, "planning/workout_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    form = WorkoutForm(
        request.POST or None,
        initial=_new_initial(request),
        units=units_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            workout = services.create_workout(request.user, **form.values())
        except services.WorkoutInvalid as exc:
            apply_errors(form, exc)
        else:
            message = _("Planned “%(title)s”.") % {"title": workout.title}
            flash.success(request, message)
            return redirect(week_url(workout.scheduled_for))
    return render(request, "planning/workout_form.html", {"form": form})


def _new_initial(request):
    # The calendar's "+ Plan" links say which day; a bad date just leaves it blank.
    day = DayForm({"date": request.GET.get("date", "")})
    return {"scheduled_for": day.cleaned_data["date"]} if day.is_valid() else {}


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, workout_id):
    workout = _own(request, workout_id)
    units = units_of(request.user)
    form = WorkoutForm(
        request.POST or None, initial=initial_for(workout, units), units=units
    )
    if request.method == "POST" and form.is_valid():
        # Only what changed: a new structure without new sums takes the structure's.
        changed = {
            name: value
            for name, value in form.values().items()
            if getattr(workout, name) != value
        }
        try:
            if changed:
                services.update_workout(workout, **changed)
        except services.WorkoutInvalid as exc:
            apply_errors(form, exc)
        else:
            flash.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("planning:workout", workout.pk)
    return render(
        request, "planning/workout_form.html", {"form": form, "workout": workout}
    )


@login_required
@require_POST
def duplicate(request, workout_id):
    workout = _own(request, workout_id)
    form = DayForm(request.POST, required=False)
    if not form.is_valid():
        flash.error(request, _("Give the copy's date as YYYY-MM-DD."))
        return redirect("planning:workout", workout.pk)
    try:
        copy = services.duplicate_workout(workout, form.cleaned_data["date"])
    except services.WorkoutInvalid as exc:
        flash.error(request, " ".join(exc.errors.values()))
        return redirect("planning:workout", workout.pk)
    message = _("Copied to %(day)s.") % {"day": dated_label(copy.scheduled_for)}
    flash.success(request, message)
    return redirect("planning:workout", copy.pk)


@login_required
@require_POST
def move(request, workout_id):
    workout = _own(request, workout_id)
    form = DayForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Give the new date as YYYY-MM-DD."))
        return redirect("planning:workout", workout.pk)
    try:
        services.move_workout(workout, form.cleaned_data["date"])
    except services.WorkoutInvalid as exc:
        flash.error(request, " ".join(exc.errors.values()))
        return redirect("planning:workout", workout.pk)
    message = _("Moved to %(day)s.") % {"day": dated_label(workout.scheduled_for)}
    flash.success(request, message)
    return redirect(week_url(workout.scheduled_for))


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, workout_id):
    workout = _own(request, workout_id)
    if request.method == "GET":
        return render(request, "planning/workout_delete.html", {"workout": workout})
    day, title = workout.scheduled_for, workout.title
    services.delete_workout(workout)
    flash.success(request, _("Deleted “%(title)s”.") % {"title": title})
    return redirect(week_url(day))


@login_required
@require_POST
def link(request, workout_id):
    """Link the session chosen among those of the workout's day."""
    workout = _own(request, workout_id)
    choice = request.POST.get("activity", "")
    activity = None
    if choice.isdigit():
        activity = Activity.objects.filter(pk=int(choice), user=request.user).first()
    local_day = activity and activity.start_time.astimezone(request.user.tzinfo).date()
    if local_day != workout.scheduled_for:
        flash.error(request, _("Choose one of that day's activities."))
        return redirect("planning:workout", workout.pk)
    services.link_activity(workout, activity)
    message = _("Linked: this workout counts as done by that activity.")
    flash.success(request, message)
    return redirect("planning:workout", workout.pk)


@login_required
@require_POST
def unlink(request, workout_id):
    workout = _own(request, workout_id)
    services.unlink_activity(workout)
    flash.success(request, _("Unlinked; a later sync will not link it again."))
    return redirect("planning:workout", workout.pk)


@login_required
@require_POST
def auto_match(request, workout_id):
    workout = services.reset_match(_own(request, workout_id))
    if workout.completed_activity_id:
        flash.success(request, _("Matched automatically to that day's activity."))
    else:
        flash.info(request, _("Back to automatic matching; no activity fits yet."))
    return redirect("planning:workout", workout.pk)


@login_required
@require_POST
def send(request, workout_id):
    workout = _own(request, workout_id)
    provider = request.POST.get("provider", "")
    try:
        sent = delivery.request_send(workout, provider)
    except delivery.DeliveryRefused as exc:
        flash.error(request, exc.message)
    else:
        message = _("Sending to %(provider)s…")
        flash.success(request, message % {"provider": sent.get_provider_display()})
    return redirect("planning:workout", workout.pk)
