"""Background work of the people app, run by the Huey worker (inline in tests)."""

from huey.contrib.djhuey import db_task, on_startup

from wangge.audit.context import Actor
from wangge.people.imports import fail_abandoned_jobs, run_import_job
from wangge.people.models import ImportJob


@on_startup(name="people.fail_abandoned_imports")
def fail_abandoned_imports() -> None:
    """A worker starting (after a crash or a restart) fails the imports its predecessor left running."""
    fail_abandoned_jobs()


@db_task()
def import_job_task(job_id: int, ip_address: str | None = None, user_agent: str = "") -> str:
    """Run an uploaded import; the audit entry names the uploader and the address they uploaded from."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    actor = Actor(user=job.created_by, ip_address=ip_address, user_agent=user_agent, channel="task")
    return run_import_job(job_id, actor=actor).status
