"""Signals the streams fetch sends so other apps can react without being imported here.

`exports` keeps the provider's original file for the athlete's data export.
"""

from django.dispatch import Signal

# A provider's activity file gave the streams that were just stored.
# kwargs: activity (the provider's copy the file came from), content (bytes),
# file_format ("fit")
original_file_received = Signal()
