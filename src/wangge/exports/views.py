"""Export pages: a list's export streams, or becomes a job with a progress bar and a download link."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangge.audit.context import Actor, client_ip
from wangge.core.exports import XLSX_CONTENT_TYPE, content_disposition
from wangge.core.views import not_found_as_404
from wangge.exports import services
from wangge.exports.tasks import export_job_task


def export_or_job(request, *, kind: str, params: dict[str, str]):
    """The export ``kind`` of ``params`` for the requesting user: streamed when it is small enough,
    else handed to the worker, and the user sent to the job's page.  Raises what the spec raises
    (NotFound for an area out of reach): callers wrap it as their other views are wrapped."""
    actor = Actor.from_request(request)
    spec = services.export_spec(kind, user=request.user, params=params)
    if not services.too_big_to_stream(spec):
        return spec.response(actor)
    job = services.export_job_create(actor=actor, kind=kind, params=params, spec=spec)
    export_job_task(job.pk, ip_address=client_ip(request), user_agent=actor.user_agent)
    return redirect("exports:job", job.pk)


@login_required
@not_found_as_404
def job_detail(request, pk: int):
    job = services.export_job_for(user=request.user, pk=pk)
    return render(request, "exports/job.html", {"job": job})


@login_required
@not_found_as_404
def job_progress(request, pk: int):
    job = services.export_job_for(user=request.user, pk=pk)
    return render(request, "exports/_job_progress.html", {"job": job})


@login_required
@not_found_as_404
def job_download(request, pk: int):
    job = services.export_job_download(actor=Actor.from_request(request), pk=pk)
    path = Path(job.file_path)
    if not path.is_file():
        raise Http404(_("没有这个导出文件"))
    response = FileResponse(path.open("rb"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(job.file_name)
    return response
