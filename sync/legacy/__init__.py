"""Importing the legacy Strava-only database (issue 9): activities, sync logs, and the
run that ties every table together (`manage.py import_legacy`)."""
