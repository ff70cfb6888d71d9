"""Import pages: upload a file, watch the progress bar, read the error report; download templates."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from wangge.accounts.permissions import require
from wangge.audit.context import client_ip
from wangge.core.errors import Forbidden, NotFound
from wangge.core.exports import XLSX_CONTENT_TYPE, content_disposition
from wangge.core.views import not_found_as_404
from wangge.people.imports import (
    ALLOWED_SUFFIXES,
    COLUMNS,
    fail_abandoned_jobs,
    import_job_create,
    import_job_in_reach,
    import_job_queryset,
    template_workbook,
)
from wangge.people.models import ImportJob
from wangge.people.tasks import import_job_task

DONE = {ImportJob.Status.SUCCEEDED, ImportJob.Status.REJECTED, ImportJob.Status.FAILED}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportJob.Kind.choices, initial=ImportJob.Kind.RESIDENTS)
    mode = forms.ChoiceField(label=_("导入方式"), choices=ImportJob.Mode.choices, initial=ImportJob.Mode.ALL_OR_NOTHING,
                             widget=forms.RadioSelect)
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的"))
        return upload


def _save_upload(upload) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@login_required
@not_found_as_404
def import_new(request):
    require(request.user, "people.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = _save_upload(upload)
        try:
            job = import_job_create(
                user=request.user, kind=form.cleaned_data["kind"], mode=form.cleaned_data["mode"],
                file_name=Path(upload.name).name, file_path=str(path),
            )
        except Forbidden:
            path.unlink(missing_ok=True)
            raise
        import_job_task(job.pk, client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])
        return redirect("people:import_detail", pk=job.pk)
    jobs = import_job_queryset(user=request.user)[:5]
    return render(request, "people/import_new.html", {"form": form, "jobs": jobs, "columns": COLUMNS})


@login_required
def import_list(request):
    jobs = list(import_job_queryset(user=request.user)[:100])
    running = [job.pk for job in jobs if job.status == ImportJob.Status.RUNNING]
    if running and fail_abandoned_jobs(pks=running):
        jobs = list(import_job_queryset(user=request.user)[:100])
    return render(request, "people/import_list.html", {"jobs": jobs})


def _job_or_404(request, pk: int) -> ImportJob:
    try:
        return import_job_in_reach(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
def import_detail(request, pk: int):
    job = _job_or_404(request, pk)
    return render(request, "people/import_detail.html", {"job": job, "done": job.status in DONE})


@login_required
def import_progress(request, pk: int):
    job = _job_or_404(request, pk)
    return render(request, "people/import_progress.html", {"job": job, "done": job.status in DONE})


@login_required
def import_template(request, kind: str):
    if kind not in COLUMNS:
        raise Http404("没有这种导入模板")
    data = template_workbook(kind)
    label = {"residents": "居民导入模板", "buildings": "楼栋导入模板"}[kind]
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"{label}.xlsx")
    return response
