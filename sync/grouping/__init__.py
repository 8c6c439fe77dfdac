"""Cross-provider duplicates: the copies of one real session form a group (issue 10).

matching   which copies are one session (pure functions) and which copy leads
store      grouping in the database: around some copies, a full rebuild, settling
           groups that lost copies
page       grouping a page before it is upserted, so new copies are written once
writes     bulk writes of groups and group fields
decisions  the athlete's split and merge, remembered by provider ids
deletes    groups re-elect or dissolve when copies are deleted (see sync.receivers)

Settings: ACTIVITY_GROUPING (default True) turns grouping on upserts on or off;
ACTIVITY_PROVIDER_PRIORITY (default garmin, coros, polar, wahoo, fitbit, strava:
device makers before aggregators) decides which copy is canonical.
"""

from .decisions import GroupingError, merge_activities, split_activity
from .page import GROUP_FIELDS, group_page
from .store import enabled as grouping_enabled
from .store import regroup_user, settle_groups

__all__ = [
    "GROUP_FIELDS",
    "GroupingError",
    "group_page",
    "grouping_enabled",
    "merge_activities",
    "regroup_user",
    "settle_groups",
    "split_activity",
]
