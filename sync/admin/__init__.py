"""Staff tooling for sync, one module per noun.

connections  the connection admin, extended with run history and sync actions
history      sync runs, the retry action and the sync health page
records      activities, workouts and webhook events
"""

from . import connections, history, records  # noqa: F401 - register the admins
