"""The six providers on one loopback port, for bench/scale.py.

Serves, under the sandbox's paths (settings.PROVIDER_SANDBOX_PATHS), the listing
endpoints each backend calls during a sync and the token endpoints a refresh would
call, in each provider's shape: the payloads are built by the sandbox's own
serialisers (providers/sandbox/<slug>.py) from sandbox Sessions. Each bench athlete
has a handful of sessions per provider, all inside the window a scheduled run asks
for. Access tokens are `bench-<slug>-<n>`, so the server knows the athlete from the
token alone.

Requests are counted per provider and per window at arrival. Strava and Wahoo send
the rate-limit headers the budget module reads (sync/services/budget.py): Strava's
15-minute and daily windows at the quarter hour and midnight UTC (§2.6); Wahoo's
day, hour and a short window, with the seconds until the short one resets, truncated
to whole seconds as a server computing `int(reset - now)` sends them (§6.6). A
request beyond a window's limit gets the provider's 429 and counts as an overrun.
"""

import json
import sys
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PROVIDERS = ("strava", "garmin", "polar", "coros", "wahoo", "fitbit")
SPORTS = ("run", "ride", "swim", "hike", "strength")


@dataclass
class Limits:
    """Per provider: {window name: (seconds, limit)}; providers absent have none."""

    strava: tuple = (1000, 10_000)  # read limit per 15 minutes and per day
    wahoo: tuple = (20, 60, 1000, 5000)  # short window s, its limit, hour, day

    def windows(self, slug):
        if slug == "strava":
            quarter, day = self.strava
            return {"15min": (900, quarter), "day": (86400, day)}
        if slug == "wahoo":
            seconds, short, hour, day = self.wahoo
            return {
                "short": (seconds, short),
                "hour": (3600, hour),
                "day": (86400, day),
            }
        return {}


@dataclass
class Fleet:
    """The sessions each athlete has at each provider, and the requests served."""

    limits: Limits
    sessions: dict = field(default_factory=dict)  # (slug, n) -> [Session]
    numbers: set = field(default_factory=set)  # (slug, 8-digit number) in use
    counts: Counter = field(default_factory=Counter)  # (slug, window, index)
    served: Counter = field(default_factory=Counter)  # slug -> requests
    overruns: Counter = field(default_factory=Counter)  # slug -> 429s sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_sessions(self, slug, n, count, now, tag):
        from providers.sandbox.data import Session

        rng = zlib.crc32(f"{slug}:{n}:{tag}".encode())
        found = self.sessions.setdefault((slug, n), [])
        for i in range(count):
            key = self.unique_key(slug, f"scale-{slug}-{n}-{tag}-{i}")
            sport = ("run", "ride")[i % 2] if slug == "wahoo" else SPORTS[i % 5]
            # Oldest first, all inside the run's window (since = 4 days ago).
            start = now - timedelta(hours=2 + (count - i) * 3, seconds=rng % 3000 + i)
            elapsed = 1800 + (rng + i * 97) % 3600
            speed = sport in ("run", "ride", "swim", "hike")
            found.append(
                Session(
                    key=key,
                    provider=slug,
                    sport=sport,
                    start=start.replace(microsecond=0),
                    zone="Europe/Paris",
                    elapsed_s=elapsed,
                    moving_s=elapsed - 60,
                    distance_m=float(3000 + rng % 20000) if speed else None,
                    elevation_m=float(rng % 300) if speed else None,
                    hr_avg=130 + i,
                    hr_max=170 + i,
                    kcal=400 + i,
                    uploaded_at=start + timedelta(seconds=elapsed + 600),
                    device="Bench device",
                    name=f"Bench {sport} {i}",
                )
            )

    def unique_key(self, slug, key):
        """`key`, or a variant of it: the sandbox derives each provider's activity id
        from the key's stable number (Wahoo's has 8 digits, the others more, all
        multiples of 10^8), and two sessions must not share an id."""
        from providers.sandbox.data import stable_number

        candidate, attempt = key, 0
        while (slug, stable_number(candidate, 8)) in self.numbers:
            attempt += 1
            candidate = f"{key}~{attempt}"
        self.numbers.add((slug, stable_number(candidate, 8)))
        return candidate

    def count(self, slug, now):
        """Count one request; the window usage after it, or None past a limit."""
        usage = {}
        epoch = now.timestamp()
        with self.lock:
            self.served[slug] += 1
            for name, (seconds, limit) in self.limits.windows(slug).items():
                key = (slug, name, int(epoch // seconds))
                self.counts[key] += 1
                usage[name] = (self.counts[key], limit, seconds - epoch % seconds)
            if any(used > limit for used, limit, _ in usage.values()):
                self.overruns[slug] += 1
                return usage, False
        return usage, True

    def peaks(self, slug):
        """{window: (highest count in one window, limit)}."""
        return {
            name: (
                max(
                    (
                        c
                        for (s, w, _), c in self.counts.items()
                        if (s, w) == (slug, name)
                    ),
                    default=0,
                ),
                limit,
            )
            for name, (_, limit) in self.limits.windows(slug).items()
        }


def athlete(n):
    from providers.sandbox.data import Athlete

    return Athlete(n, "Bench Athlete", n, "Europe/Paris", ())


def rate_headers(slug, usage):
    if slug == "strava":
        used = f"{usage['15min'][0]},{usage['day'][0]}"
        limit = f"{usage['15min'][1]},{usage['day'][1]}"
        overall = f"{usage['15min'][1] * 2},{usage['day'][1] * 2}"
        return {
            "X-RateLimit-Limit": overall,
            "X-RateLimit-Usage": used,  # every request here is a read
            "X-ReadRateLimit-Limit": limit,
            "X-ReadRateLimit-Usage": used,
        }
    if slug == "wahoo":
        names = ("day", "hour", "short")
        return {
            "X-RateLimit-Limit": ", ".join(str(usage[n][1]) for n in names),
            "X-RateLimit-Remaining": ", ".join(
                str(max(usage[n][1] - usage[n][0], 0)) for n in names
            ),
            "X-RateLimit-Reset": str(int(usage["short"][2])),
        }
    return {}


def listing(fleet, slug, n, query, now):
    """The body a listing request gets, in the provider's shape."""
    from providers.sandbox import coros, fitbit, garmin, polar, strava, wahoo

    who = athlete(n)
    sessions = sorted(fleet.sessions.get((slug, n), []), key=lambda s: s.start)
    if slug == "strava":
        after = int(query.get("after", ["0"])[0])
        before = int(query.get("before", [str(2**40)])[0])
        found = [s for s in sessions if after < s.start.timestamp() < before]
        return [strava.activity_json(s, who) for s in reversed(found)]
    if slug == "garmin":
        low = int(query["uploadStartTimeInSeconds"][0])
        high = int(query["uploadEndTimeInSeconds"][0])
        found = [s for s in sessions if low <= s.uploaded_at.timestamp() < high]
        return [garmin.summary_json(s, who) for s in found]
    if slug == "polar":
        return [polar.exercise_json(s, who) for s in sessions]
    if slug == "coros":
        start = datetime.strptime(query["startDate"][0], "%Y%m%d").date()
        end = datetime.strptime(query["endDate"][0], "%Y%m%d").date()
        found = [s for s in sessions if start <= s.start.date() <= end]
        data = [coros.workout_json(s, who) for s in found]
        return {"result": coros.OK, "message": "OK", "data": data}
    if slug == "wahoo":
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["30"])[0])
        found = list(reversed(sessions))
        chunk = found[(page - 1) * per_page : page * per_page]
        return {
            "workouts": [wahoo.workout_json(s) for s in chunk],
            "total": len(found),
            "page": page,
            "per_page": per_page,
        }
    size = int(query.get("pageSize", ["25"])[0])
    page = int(query.get("pageToken", ["1"])[0])
    chunk = sessions[(page - 1) * size : page * size]
    body = {"dataPoints": [fitbit.data_point_json(s, who) for s in chunk]}
    if page * size < len(sessions):
        body["nextPageToken"] = str(page + 1)
    return body


def token_answer(slug, body):
    """A refresh grant's answer (only sent if a token ran out, which the bench's
    tokens do not)."""
    if slug == "coros":
        return {"result": "0000", "message": "OK"}
    return {
        "access_token": body.get("refresh_token", "").replace("refresh", "access"),
        "refresh_token": body.get("refresh_token"),
        "expires_in": 21600,
        "token_type": "Bearer",
    }


def caller(path, query, headers):
    """(slug, athlete number) from the path and the token, or (slug, None)."""
    parts = path.strip("/").split("/")
    slug = parts[1] if len(parts) > 1 and parts[0] == "sandbox" else ""
    token = headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = token or query.get("token", [""])[0]
    prefix = f"bench-{slug}-"
    if token.startswith(prefix) and token[len(prefix) :].isdigit():
        return slug, int(token[len(prefix) :])
    return slug, None


def make_handler(fleet):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive within a run's session

        def do_GET(self):
            url = urlparse(self.path)
            query = parse_qs(url.query)
            slug, n = caller(url.path, query, self.headers)
            if slug not in PROVIDERS:
                return self.answer(404, {"message": "Not Found"})
            now = datetime.now(UTC)
            usage, allowed = fleet.count(slug, now)
            headers = rate_headers(slug, usage)
            if not allowed:
                return self.answer(429, {"message": "Rate Limit Exceeded"}, headers)
            if n is None:
                return self.answer(401, {"message": "Authorization Error"}, headers)
            self.answer(200, listing(fleet, slug, n, query, now), headers)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            body = {key: values[0] for key, values in form.items()}
            slug, _ = caller(urlparse(self.path).path, {}, self.headers)
            if slug not in PROVIDERS:
                return self.answer(404, {"message": "Not Found"})
            fleet.count(slug, datetime.now(UTC))
            self.answer(200, token_answer(slug, body))

        def answer(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A SIGKILLed worker resets its connections: expected here, not news.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(fleet):
    """Start the server in daemon threads; return its base URL."""
    server = Server(("127.0.0.1", 0), make_handler(fleet))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server
