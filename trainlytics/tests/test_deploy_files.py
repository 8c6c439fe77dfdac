"""The Dockerfile, compose.yaml and .env.example hold the pieces README's "Deploying"
promises. CI has no Docker: the files are read, not built (.ci/run starts the image's
command line on PostgreSQL instead)."""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = ("migrate", "web", "worker", "scheduler")


# --- Reading the files ----------------------------------------------------------------


def instructions():
    """The Dockerfile as (stage number, INSTRUCTION, arguments), continuation lines
    joined and comments dropped; stage 0 is the first FROM."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    stage = -1
    result = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            stage += 1
        result.append((stage, keyword.upper(), " ".join(arguments.split())))
    return result


def final_stage():
    steps = instructions()
    last = max(stage for stage, _, _ in steps)
    return [
        (keyword, arguments) for stage, keyword, arguments in steps if stage == last
    ]


def arguments_of(keyword, steps=None):
    steps = final_stage() if steps is None else steps
    return [arguments for key, arguments in steps if key == keyword]


def image_command():
    """The final stage's CMD (exec form) with its ENTRYPOINT in front."""
    entrypoint = arguments_of("ENTRYPOINT")
    command = arguments_of("CMD")
    return [
        *(json.loads(entrypoint[-1]) if entrypoint else []),
        *(json.loads(command[-1]) if command else []),
    ]


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def service_command(service):
    command = service.get("command")
    if command is None:
        return image_command()
    return shlex.split(command) if isinstance(command, str) else command


def env_example():
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def interpolate(value, variables):
    """compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, from `variables`."""

    def one(match):
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if operator == ":?":
            raise AssertionError(f"compose would stop: {rest}")
        return rest or ""

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, str(value))


# --- Dockerfile -----------------------------------------------------------------------


def test_the_image_is_built_in_stages_on_slim_python_3_13():
    stages = arguments_of("FROM", [(k, a) for _, k, a in instructions()])
    assert len(stages) >= 2
    assert all(base.startswith("python:3.13-slim") for base in stages)
    builder = stages[0].split()[-1]
    assert stages[0].split()[1].upper() == "AS"
    copies = arguments_of("COPY")
    assert any(f"--from={builder}" in copy for copy in copies)


def test_the_builder_installs_the_pinned_requirements_into_a_virtualenv():
    first = [(k, a) for stage, k, a in instructions() if stage == 0]
    runs = " ".join(arguments_of("RUN", first))
    assert "requirements.txt" in runs
    assert "python -m venv /opt/venv" in runs
    assert "pip install -r" in runs


def test_the_images_requirements_hold_the_server_and_leave_the_test_tools_out():
    """The builder keeps requirements.txt up to "# Development and tests"."""
    run = " ".join(
        arguments_of("RUN", [(k, a) for s, k, a in instructions() if s == 0])
    )
    marker = "# Development and tests"
    assert f"/^{marker}/,$d" in run
    text = (ROOT / "requirements.txt").read_text()
    assert f"\n{marker}\n" in text
    runtime = {line.split("==")[0].lower() for line in text.split(marker)[0].split()}
    assert {"gunicorn", "whitenoise", "psycopg[binary]", "babel"} <= runtime
    assert not {"pytest", "playwright", "ruff"} & runtime


def test_the_app_runs_as_a_user_other_than_root():
    users = arguments_of("USER")
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")


def test_messages_are_compiled_and_static_files_collected_at_build():
    runs = " ".join(arguments_of("RUN"))
    assert (
        "pybabel -q compile --domain django --directory locale" in runs
        or "manage.py compilemessages" in runs
    )
    assert "manage.py collectstatic --noinput" in runs


def test_build_time_secrets_are_on_the_collectstatic_line_not_in_env():
    collect = next(run for run in arguments_of("RUN") if "collectstatic" in run)
    assert "SECRET_KEY=" in collect
    assert "TOKEN_ENCRYPTION_KEYS=" in collect
    baked = " ".join(arguments_of("ENV") + arguments_of("ARG"))
    assert "SECRET_KEY" not in baked
    assert "TOKEN_ENCRYPTION_KEYS" not in baked


def test_gunicorn_serves_the_wsgi_app_on_port_8000():
    command = image_command()
    assert command[:2] == ["gunicorn", "trainlytics.wsgi"]
    assert command[command.index("--bind") + 1] == "0.0.0.0:8000"
    assert "--timeout" in command
    assert "--access-logfile" not in command  # it would print OAuth callback codes


def test_the_image_checks_its_health_at_healthz():
    (probe,) = arguments_of("HEALTHCHECK")
    assert "CMD" in probe
    assert "http://127.0.0.1:8000/healthz" in probe


# --- compose.yaml ---------------------------------------------------------------------


def test_postgresql_17_keeps_its_data_in_a_volume_and_reports_its_health():
    db = compose()["services"]["db"]
    assert db["image"].startswith("postgres:17")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_the_web_process_is_gunicorn_with_the_images_healthcheck():
    web = compose()["services"]["web"]
    assert service_command(web)[0] == "gunicorn"
    assert not web.get("healthcheck", {}).get("disable")
    assert any(port.endswith(":8000") for port in web["ports"])


def test_two_db_worker_processes_run_the_task_queue():
    processes = sum(
        service.get("deploy", {}).get("replicas", 1)
        for service in compose()["services"].values()
        if "db_worker" in service_command(service)
    )
    assert processes == 2


def test_a_scheduler_process_runs_the_scheduler_command():
    scheduler = compose()["services"]["scheduler"]
    assert service_command(scheduler) == ["python", "manage.py", "scheduler"]
    assert scheduler.get("deploy", {}).get("replicas", 1) == 1


def test_migrate_runs_once_after_the_database_is_healthy():
    migrate = compose()["services"]["migrate"]
    assert "manage.py migrate --noinput" in " ".join(service_command(migrate))
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_every_other_process_waits_for_migrate_to_succeed():
    services = compose()["services"]
    for name in ("web", "worker", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["db"] == {"condition": "service_healthy"}


def test_every_app_process_reads_env_and_shares_the_exports_volume():
    services = compose()["services"]
    for name in APP_SERVICES:
        assert services[name]["env_file"] == ".env"
        assert "exports:/data/exports" in services[name]["volumes"]


def test_processes_that_serve_no_http_switch_the_images_healthcheck_off():
    services = compose()["services"]
    for name in ("migrate", "worker", "scheduler"):
        assert services[name]["healthcheck"] == {"disable": True}


def test_the_metrics_volume_belongs_to_the_images_user():
    """The tmpfs is mounted as root unless told the uid gunicorn and workers run as."""
    useradd = next(run for run in arguments_of("RUN") if "useradd" in run)
    uid = re.search(r"--uid (\d+)", useradd).group(1)
    options = compose()["volumes"]["metrics"]["driver_opts"]["o"]
    assert f"uid={uid}" in options


# --- .env.example ---------------------------------------------------------------------


def test_env_example_names_every_required_variable_and_holds_no_secret():
    example = env_example()
    for name in ("SECRET_KEY", "TOKEN_ENCRYPTION_KEYS", "POSTGRES_PASSWORD"):
        assert example[name] == ""
    for name in ("ALLOWED_HOSTS", "SITE_URL", "EMAIL_URL"):
        assert example[name]
    assert example.get("DEBUG", "false") == "false"


def test_env_example_with_its_secrets_filled_in_passes_check_deploy():
    """What compose gives the app processes: .env, then the service's environment."""
    variables = {
        **env_example(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "POSTGRES_PASSWORD": secrets.token_hex(24),
    }
    environment = compose()["services"]["web"]["environment"]
    variables.update(
        {name: interpolate(value, variables) for name, value in environment.items()}
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "trainlytics.settings",
            **variables,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
