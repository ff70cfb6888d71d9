"""The worker's schedule of 全员核酸's jobs (the jobs themselves are in ``jobs``)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from wangge.testing import jobs


@db_periodic_task(crontab(minute="*/5"), name="testing.late_retests")
@HUEY.lock_task("testing.late_retests")
def late_retests_task() -> int:
    return jobs.raise_late_retest_alerts(now=timezone.now())
