from django.urls import path

from . import views, workout_views

app_name = "planning"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("time-zone/", views.time_zone, name="time-zone"),
    path("feed/", views.feed_create, name="feed-create"),
    path("feed/remove/", views.feed_remove, name="feed-remove"),
    path("<str:token>.ics", views.feed, name="feed"),
    path("workouts/new/", workout_views.new, name="workout-new"),
    path("workouts/<int:workout_id>/", workout_views.detail, name="workout"),
    path("workouts/<int:workout_id>/edit/", workout_views.edit, name="workout-edit"),
    path(
        "workouts/<int:workout_id>/duplicate/",
        workout_views.duplicate,
        name="workout-duplicate",
    ),
    path("workouts/<int:workout_id>/move/", workout_views.move, name="workout-move"),
    path(
        "workouts/<int:workout_id>/delete/",
        workout_views.delete,
        name="workout-delete",
    ),
    path("workouts/<int:workout_id>/link/", workout_views.link, name="workout-link"),
    path(
        "workouts/<int:workout_id>/unlink/",
        workout_views.unlink,
        name="workout-unlink",
    ),
    path(
        "workouts/<int:workout_id>/auto-match/",
        workout_views.auto_match,
        name="workout-auto-match",
    ),
    path("workouts/<int:workout_id>/send/", workout_views.send, name="workout-send"),
]
