"""Signals `sync` sends so other apps (planning) can react without being imported here.

Each is sent inside the transaction that made the change, so a receiver's writes
commit or roll back with it.
"""

from django.dispatch import Signal

# Activities of one athlete were written, regrouped or lost a copy.
# kwargs: user_id, starts (the start_time of every activity concerned; may be empty
# when the change is user-wide, e.g. a full regroup, with everything=True)
activities_changed = Signal()

# sync_due's scheduled pass ran (once a minute in production). kwargs: now
scheduled_pass = Signal()
