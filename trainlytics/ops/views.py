"""GET /healthz for load balancers and GET /metrics for Prometheus.

Neither reads the session or the user, so neither costs a session query; both are
exempt from the https redirect (SECURE_REDIRECT_EXEMPT) for probes inside the network.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from . import gauges, health, metrics


@never_cache
@require_safe
def healthz(request):
    """200 when every check passes; 503 naming the checks that failed."""
    checks = health.run_checks()
    failing = [
        name for name, result in checks.items() if result not in ("ok", health.SKIPPED)
    ]
    if not failing:
        return JsonResponse({"status": "ok", "checks": checks})
    body = {"status": "unhealthy", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503)


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class _ThisProcess:
    """The default registry as one collector (our metrics, process and GC stats)."""

    def collect(self):
        return REGISTRY.collect()


def scrape_registry():
    registry = CollectorRegistry()
    if metrics.multiproc_dir():
        # Every process's files, dead ones included, so counters never go back.
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(gauges.DatabaseGauges())
    return registry


@never_cache
@require_GET
def prometheus_metrics(request):
    """Prometheus text format, for a bearer of METRICS_TOKEN; 404 while it is empty."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    if not hmac.compare_digest(bearer_token(request).encode(), expected.encode()):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    output = generate_latest(scrape_registry())
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
