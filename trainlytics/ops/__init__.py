"""What an operator watches: /healthz for load balancers, /metrics for Prometheus.

metrics.py holds every counter and histogram and the one-line helpers the sync engine,
the provider HTTP session and the webhook receivers call; gauges.py computes the
database's state at scrape time; health.py the health checks; views.py the two views.
"""
