"""Python in a fresh process, from the project directory: for what only start-up
does (settings read from the environment, apps' ready()), which this test process
has already done."""

import os
import subprocess
import sys

from django.conf import settings


def run_python(code, env, check=True):
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=check,
    )


def with_test_settings(**extra):
    """This environment, with the test settings and `extra` on top."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trainlytics.settings_test",
        **extra,
    }
