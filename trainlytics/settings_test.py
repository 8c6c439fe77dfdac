"""Settings for the test suite: the real settings with test-only secrets filled in.

Only defaults are set here, so `DATABASE_URL` from the environment still picks the
database (CI runs the suite on SQLite and again on PostgreSQL).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault(
    # Two fixed keys so tests can exercise rotation; never used outside tests.
    "TOKEN_ENCRYPTION_KEYS",
    "0j9ZuplXl2kEq0xKc9Wm3aG8gk1Jx4Lw0sH2xO0b5Yk=,Zk8z0lV3m8sWk1y3lP7aQ2n4vG6fX0tR9cD5eJ1hU3A=",
)

# The test client and the live server speak plain http; production's https redirect
# would answer every request with a 301. Cookies stay Secure, as in production.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from .settings import *  # noqa: F403

# Tests make many users; the default hasher is deliberately slow.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *PASSWORD_HASHERS,  # noqa: F405
]
# Tasks run inline unless a test asks for the database backend.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Files a test leaves (an original kept by a streams fetch) go to the system's
    # temporary directory, never to the private one; exports' own tests use tmp_path.
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.path.join(tempfile.gettempdir(), "trainlytics-test-exports")
        },
    },
}
# New activities' streams are fetched in the background as they arrive; inline tasks
# would make every test that syncs a recent activity call the provider again. The
# analytics tests turn it back on (analytics/tests/conftest.py).
STREAMS_RECENT_DAYS = 0
