"""Exports: stream one in the request, or hand one too big for a request to the worker.

An export is described by a *spec function*, ``(user, params) -> exports.audited.ExportSpec``, named
by its dotted path (the job's ``kind``), so the worker rebuilds exactly the export the page would
have streamed, for the same user and the same filters, and writes it with the same writer and
the same audit entry.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.errors import NotFound
from wangge.core.xlsx import write_xlsx
from wangge.exports.audited import ExportSpec, record_export
from wangge.exports.models import ExportJob

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5000


def export_spec(kind: str, *, user, params: dict[str, str]) -> ExportSpec:
    if not kind.startswith("wangge.") or "exports" not in kind:
        raise ValueError(f"not an export: {kind}")
    return import_string(kind)(user=user, params=params)


def too_big_to_stream(spec: ExportSpec) -> bool:
    return spec.more_rows_than(settings.WANGGE_EXPORT_STREAM_ROWS)


@transaction.atomic
def export_job_create(*, actor: Actor, kind: str, params: dict[str, str], spec: ExportSpec) -> ExportJob:
    """A job for the worker; the audit entry of the export itself is written when the file is."""
    now = timezone.now()
    return ExportJob.objects.create(
        kind=kind, params=params, file_name=spec.filename, created_by=actor.user,
        language=translation.get_language() or "",
        expires_at=now + dt.timedelta(hours=settings.WANGGE_EXPORT_KEEP_HOURS),
    )


def _with_progress(job_id: int, rows: Iterable) -> Iterator:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(done_rows=done)


def _write_job_file(job: ExportJob, partial, *, actor: Actor):
    spec = export_spec(job.kind, user=job.created_by, params=job.params)
    total = spec.queryset.count() if spec.queryset is not None else None
    ExportJob.objects.filter(pk=job.pk).update(total_rows=total)

    def record(count: int, complete: bool) -> None:
        record_export(actor=actor, object_type=spec.object_type, grid_code=spec.grid_code,
                      filters=spec.filters, filename=spec.filename, count=count, complete=complete)

    with open(partial, "wb") as out:
        count = write_xlsx(out, headers=spec.headers, rows=_with_progress(job.pk, spec.rows()),
                           sheet_title=spec.sheet_title, on_finish=record)
    return count, spec


def run_export_job(job_id: int, *, actor: Actor) -> ExportJob:
    """Write the job's file with the one writer; the audit entry is the one a streamed export writes."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ExportJob.Status.PENDING:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    directory = settings.WANGGE_EXPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{job.pk}-{secrets.token_hex(8)}.xlsx"
    partial = path.with_suffix(".part")
    # The file and, if it fails, the job's message are written in the language of who asked.
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            count, spec = _write_job_file(job, partial, actor=actor)
            partial.rename(path)
        except Exception as exc:
            partial.unlink(missing_ok=True)
            log.exception("export job %s failed", job.pk)
            message = exc.message if isinstance(exc, NotFound) else _("导出失败，请稍后重试")
            ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, message=str(message)[:500],
                                                       finished_at=timezone.now())
        else:
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.DONE, file_path=str(path), done_rows=count, total_rows=count,
                finished_at=timezone.now(),
            )
    job.refresh_from_db()
    return job


def export_job_for(*, user, pk: int) -> ExportJob:
    """A job of ``user`` (any job for a superuser); anyone else's is NotFound, as a missing one is."""
    jobs = ExportJob.objects.all() if user.is_superuser else ExportJob.objects.filter(created_by=user)
    try:
        return jobs.get(pk=pk)
    except ExportJob.DoesNotExist:
        raise NotFound(_("没有这个导出任务"), code="export_job_not_found") from None


def export_job_download(*, actor: Actor, pk: int) -> ExportJob:
    """The finished, unexpired job whose file ``actor`` may download; the download is audited."""
    job = export_job_for(user=actor.user, pk=pk)
    if job.status != ExportJob.Status.DONE or job.expires_at <= timezone.now() or not job.file_path:
        raise NotFound(_("没有这个导出文件"), code="export_file_not_found")
    audit.record(actor=actor, action=AuditAction.EXPORT, object_type="exports.exportjob", object_id=str(job.pk),
                 object_repr=job.file_name[:200], changes={"download": True, "rows": job.done_rows,
                                                           "file": job.file_name})
    return job


def delete_expired_exports(*, now: dt.datetime | None = None) -> int:
    """Remove the files of expired jobs and mark them expired; returns how many."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportJob.Status.EXPIRED):
        if job.file_path:
            settings.WANGGE_EXPORT_DIR.joinpath(job.file_path.rsplit("/", 1)[-1]).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file_path="")
        expired += 1
    return expired
