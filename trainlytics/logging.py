"""Log lines without secrets, plain or one JSON object per line, with their context.

Some providers take tokens as query parameters (COROS), and the OAuth callback carries
the authorization code; access-log lines (`django.server`) would print them. `redact`
masks such secrets in text and `scrub` in structures (JSON fields here, Sentry events
in trainlytics/sentry.py): one set of patterns for both. The formatters add the ids
that trainlytics.logcontext binds (sync run, connection, webhook event).
"""

import json
import logging
import re
from datetime import UTC, datetime

REDACTED = "[redacted]"
_TOKEN_NAMES = r"token|access_token|refresh_token|id_token|client_secret"  # noqa: S105

PATTERNS = (
    # name=value in URLs, form bodies and log lines, and name='value' in reprs.
    re.compile(rf"(?P<name>\b(?:{_TOKEN_NAMES}|code)=[\"']?)[^&\s\"']+", re.IGNORECASE),
    # "name": "value" in JSON and dict reprs (token responses). Not "code": in JSON
    # that is an error code far more often than an OAuth code.
    re.compile(
        rf"(?P<name>(?P<q>[\"'])(?:{_TOKEN_NAMES})(?P=q)\s*:\s*(?P<v>[\"']))"
        r"[^\"']+(?=(?P=v))",
        re.IGNORECASE,
    ),
    # An Authorization header's credential.
    re.compile(r"(?P<name>\bBearer\s+)[\w\-.~+/]{8,}=*", re.IGNORECASE),
)

# Keys whose values are secret whatever they look like: headers, form fields, local
# variables in a Sentry event, extra fields of a log record.
SECRET_KEY_PARTS = (
    "token",
    "secret",
    "password",
    "passwd",
    "authorization",
    "cookie",
    "csrf",
    "session",
    "api_key",
    "apikey",
    "private_key",
    "credential",
    "signature",
)
SECRET_KEY_NAMES = frozenset({"code", "key", "auth", "sig", "dsn"})


def redact(text):
    for pattern in PATTERNS:
        text = pattern.sub(rf"\g<name>{REDACTED}", text)
    return text


def is_secret_key(name):
    name = str(name).lower().replace("-", "_")
    return name in SECRET_KEY_NAMES or any(part in name for part in SECRET_KEY_PARTS)


def scrub(value):
    """`value` with secrets masked: anything under a secret-looking key, and what
    `redact` masks inside strings. Dicts, lists and tuples are copied, not changed."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret_key(key) else scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


class RedactSecrets(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _RedactedTracebacks(logging.Formatter):
    """A traceback quotes exception messages, which may quote URLs with tokens."""

    def formatException(self, ei):
        return redact(super().formatException(ei))

    def formatStack(self, stack_info):
        return redact(super().formatStack(stack_info))


class PlainFormatter(_RedactedTracebacks):
    """The configured format, then the context: `... [sync_run=12 connection=3]`."""

    def formatMessage(self, record):
        line = super().formatMessage(record)
        context = getattr(record, "log_context", None)
        if context:
            line += " [" + " ".join(f"{k}={v}" for k, v in context.items()) + "]"
        return line


# What every LogRecord has; anything else on a record came from `extra=`.
_BLANK_RECORD = logging.LogRecord("", 0, "", 0, "", (), None)
_RECORD_ATTRS = {*vars(_BLANK_RECORD), "message", "asctime", "log_context"}


class JsonFormatter(_RedactedTracebacks):
    """One JSON object per line: time (UTC), level, logger, message, the log context,
    the record's extra fields, then exception and stack when there are any. The four
    first keys win over extra fields of the same name; the context wins over extras."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        extra = {k: v for k, v in vars(record).items() if k not in _RECORD_ATTRS}
        fields = {**extra, **getattr(record, "log_context", {})}
        for key, value in scrub(_jsonable(fields)).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)


def _jsonable(value):
    """Objects as their str() (then scrubbed like any string): a request's repr
    carries its query string."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
