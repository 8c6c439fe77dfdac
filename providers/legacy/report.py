"""What an import did, per legacy table, with one greppable line per decision.

Lines read `skipped <table> id=<id>: <reason>`, `collision users id=<id>: <reason>` or
`fixed <table> id=<id>: <reason>` (imported, with a value corrected on the way).
"""

import time
from collections import Counter
from dataclasses import dataclass, field

COUNTERS = ("created", "updated", "unchanged", "skipped")


@dataclass
class TableReport:
    name: str
    total: int = 0
    done: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    reasons: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    def rate(self):
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


class Report:
    def __init__(self, out=print, progress_every=5.0):
        self.out = out
        self.tables = {}
        self.lines = []
        self.progress_every = progress_every
        self._last_progress = 0.0

    def start(self, table, total):
        self.tables[table] = TableReport(table, total=total)
        return self.tables[table]

    def count(self, table, counter, n=1):
        setattr(self.tables[table], counter, getattr(self.tables[table], counter) + n)

    def note(self, kind, table, row_id, reason, detail=""):
        """Record one decision; `reason` is the tally key, `detail` names the rows."""
        self.tables[table].reasons[f"{kind}: {reason}"] += 1
        self.lines.append(
            f"{kind} {table} id={row_id}: {reason}" + (f" ({detail})" if detail else "")
        )

    def tally(self, table, counter, reason):
        """Count a row under `counter` with a reason, without a line of its own."""
        self.count(table, counter)
        self.tables[table].reasons[f"{counter}: {reason}"] += 1

    def skip(self, table, row_id, reason, detail=""):
        self.count(table, "skipped")
        self.note("skipped", table, row_id, reason, detail)

    def advance(self, table, n):
        self.tables[table].done += n
        now = time.monotonic()
        if now - self._last_progress >= self.progress_every:
            self._last_progress = now
            self.progress(table)

    def progress(self, table):
        t = self.tables[table]
        self.out(f"{table}: {t.done}/{t.total} rows, {t.rate():.0f} rows/s")

    def summary(self):
        """The closing report: counters per table, reasons, then every decision."""
        yield f"{'table':<20}" + "".join(
            f"{c:>{11 if c == 'unchanged' else 9}}" for c in COUNTERS
        )
        for t in self.tables.values():
            counts = "".join(
                f"{getattr(t, c):>{11 if c == 'unchanged' else 9}}" for c in COUNTERS
            )
            yield f"{t.name:<20}{counts}"
        for t in self.tables.values():
            for reason, n in sorted(t.reasons.items()):
                yield f"  {t.name}: {reason}: {n}"
        yield from self.lines
