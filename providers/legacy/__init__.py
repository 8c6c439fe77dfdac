"""Importing the legacy Strava-only database (issue 9): users and connections.

Activities and sync logs belong to `sync` and are imported by `sync.legacy`, which also
holds the orchestration behind `manage.py import_legacy`.
"""
