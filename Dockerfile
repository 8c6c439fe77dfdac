# Trainlytics' production image: gunicorn serves the app, static files come from
# whitenoise, and the same image runs `db_worker`, `scheduler` and `migrate` (compose.yaml).
# Build: docker build -t trainlytics .   README, "Deploying", lists the environment.

# --- builder: the runtime requirements in a virtualenv ---------------------------------
FROM python:3.13-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /build
COPY requirements.txt .
# Only the runtime pins: everything from "# Development and tests" on (pytest,
# Playwright, ruff…) stays out of the image.
RUN sed '/^# Development and tests/,$d' requirements.txt > runtime.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r runtime.txt

# --- final: the virtualenv, the code, compiled messages and collected static files -----
FROM python:3.13-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EXPORTS_ROOT=/data/exports \
    WEB_CONCURRENCY=3

# The app runs as an unprivileged user that can write only the exports directory and
# the Prometheus multi-process directory (both volumes in compose.yaml).
RUN groupadd --system --gid 10001 trainlytics \
    && useradd --system --uid 10001 --gid trainlytics --home-dir /app \
       --no-create-home --shell /usr/sbin/nologin trainlytics \
    && mkdir -p /data/exports /run/metrics \
    && chown trainlytics:trainlytics /data/exports /run/metrics

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .

# The French catalog (Babel, as `make messages` does: no GNU gettext in the image), then
# the static files into STATIC_ROOT for whitenoise. Settings refuse to load without
# secrets when DEBUG is off: collectstatic gets throwaway ones on its own command line,
# never baked into ENV (the Fernet key is 32 zero bytes).
RUN pybabel -q compile --domain django --directory locale \
    && DEBUG=false SECRET_KEY=build-only-not-a-secret \
       TOKEN_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
       python manage.py collectstatic --noinput --verbosity 0

USER trainlytics
EXPOSE 8000

# /healthz: process up, database reachable, migrations applied. Django answers only a
# Host that ALLOWED_HOSTS lists, so the probe sends the first one (a leading "." or
# "*" made concrete). Worker and scheduler containers switch this off (compose.yaml).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost'); r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

# gthread: a slow client or a long export download holds one thread, not a whole worker
# (and does not trip the timeout). Workers: WEB_CONCURRENCY (gunicorn reads it). No
# access log: gunicorn's bypasses our redaction and would print OAuth callback codes.
# gunicorn.conf.py (working directory) adds the Prometheus multi-process hook.
CMD ["gunicorn", "trainlytics.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", "--threads", "4", \
     "--timeout", "60", "--graceful-timeout", "30", \
     "--worker-tmp-dir", "/dev/shm"]
