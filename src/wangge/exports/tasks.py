"""Background work of exports, run by the Huey worker (inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.audit.context import Actor
from wangge.exports import services
from wangge.exports.models import ExportJob


@db_task()
def export_job_task(job_id: int, ip_address: str | None = None, user_agent: str = "") -> str:
    """Write an export too big for a request; the audit entry names who asked and from where."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    actor = Actor(user=job.created_by, ip_address=ip_address, user_agent=user_agent, channel="task")
    return services.run_export_job(job_id, actor=actor).status


@db_periodic_task(crontab(minute="23"))
def delete_expired_exports() -> int:
    return services.delete_expired_exports()
