"""Signals `providers` sends so other apps can react without being imported here.

`sync` subscribes to these (providers never imports sync).
"""

from django.dispatch import Signal

# Sent after the transaction that created or reconnected a connection commits.
# kwargs: connection, created (bool)
connection_established = Signal()

# Sent inside the transaction, just before a connection row is deleted.
# kwargs: connection, keep_activities (bool)
connection_removed = Signal()
