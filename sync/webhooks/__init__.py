"""Provider webhooks: receive, verify, store, then process in a task.

views       one small receiver per provider; stores events and answers at once
verify      the authenticity checks (constant-time) and their 401/403 answers
store       WebhookEvent rows (de-duplicated), rejection counters
processing  the task body: what each event means for activities and connections
subscriptions  our app-level subscriptions (Strava, Polar) for the management commands
"""
