"""Cross-provider duplicates: the copies of one real session form a group (issue 10).

matching   which copies are one session (pure functions) and which copy leads
store      grouping in the database: after each page upsert, a full rebuild, settling
           groups that lost copies
decisions  the athlete's split and merge, remembered by provider ids
deletes    groups re-elect or dissolve when copies are deleted (see sync.receivers)

Settings: ACTIVITY_GROUPING (default True) turns grouping on upserts on or off;
ACTIVITY_PROVIDER_PRIORITY (default garmin, coros, polar, wahoo, fitbit, strava:
device makers before aggregators) decides which copy is canonical.
"""

from .decisions import GroupingError, merge_activities, split_activity
from .store import group_page, regroup_user, settle_groups

__all__ = [
    "GroupingError",
    "group_page",
    "merge_activities",
    "regroup_user",
    "settle_groups",
    "split_activity",
]
