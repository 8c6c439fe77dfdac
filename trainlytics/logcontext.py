"""What a log line is about: the sync run, connection or webhook event being worked on.

Code that starts a unit of work binds its ids for the duration:

    with logcontext.bind(sync_run=sync.pk, connection=sync.connection_id):
        ...

and `AddContext`, a filter on the console handler, puts them on every record logged
meanwhile in this thread or task, whichever logger wrote it (ours, requests_oauthlib,
urllib3). A context variable, not a thread-local: reset on the way out, even on an
exception, so the next task a worker thread runs starts clean.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

_fields = ContextVar("trainlytics_log_context", default=None)


def current():
    """The fields bound here, innermost last; an empty dict outside any unit of work."""
    return dict(_fields.get() or {})


@contextmanager
def bind(**fields):
    """Add `fields` (None values left out) to every log line until the block ends."""
    bound = {**current(), **{k: v for k, v in fields.items() if v is not None}}
    token = _fields.set(bound)
    try:
        yield
    finally:
        _fields.reset(token)


class AddContext(logging.Filter):
    """Sets `record.log_context` (a dict, maybe empty) for the formatters."""

    def filter(self, record):
        record.log_context = current()
        return True
