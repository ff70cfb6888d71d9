"""Exports too big for a request: the worker writes them, with progress, for their owner only."""

from django.urls import reverse
from openpyxl import load_workbook

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import actor_for, rows_of
from wangge.exports import services
from wangge.exports.models import ExportJob
from wangge.people.models import Resident

RESIDENTS = "wangge.people.exports.residents"


def make_job(user, params=None) -> ExportJob:
    spec = services.export_spec(RESIDENTS, user=user, params=params or {})
    return services.export_job_create(actor=actor_for(user), kind=RESIDENTS, params=params or {}, spec=spec)


def test_a_job_writes_the_file_and_the_audit_entry(city, street_officer, settings, tmp_path):
    settings.WANGGE_EXPORT_DIR = tmp_path
    job = services.run_export_job(make_job(street_officer).pk, actor=actor_for(street_officer, "task"))
    assert job.status == ExportJob.Status.DONE
    assert job.done_rows == job.total_rows == Resident.objects.restrict(street_officer).count() == 3
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 3 and entry.actor_username == street_officer.username


def test_progress_advances_as_rows_are_written(city, street_officer, settings, tmp_path, monkeypatch):
    settings.WANGGE_EXPORT_DIR = tmp_path
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    seen = []
    real_update = ExportJob.objects.filter

    def spy(*args, **kwargs):
        qs = real_update(*args, **kwargs)
        seen.append(ExportJob.objects.values_list("done_rows", flat=True).first())
        return qs

    monkeypatch.setattr(ExportJob.objects, "filter", spy)
    services.run_export_job(make_job(street_officer).pk, actor=actor_for(street_officer, "task"))
    assert [n for n in seen if n] == sorted(n for n in seen if n)
    assert {1, 2} <= set(seen)


def test_a_job_export_equals_the_streamed_export(client, city, street_officer, settings, tmp_path):
    settings.WANGGE_EXPORT_DIR = tmp_path
    client.force_login(street_officer)
    streamed = rows_of(client.get(reverse("people:resident_export")))
    settings.WANGGE_EXPORT_STREAM_ROWS = 1
    response = client.get(reverse("people:resident_export"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE  # the worker runs inline in tests
    downloaded = rows_of(client.get(reverse("exports:download", args=[job.pk])))
    assert downloaded == streamed
    assert len(downloaded) == 4


def test_formula_text_is_neutralised_in_a_job_export(city, street_officer, settings, tmp_path):
    settings.WANGGE_EXPORT_DIR = tmp_path
    Resident.objects.filter(pk=city["residents"]["A"].pk).update(name="=HYPERLINK(\"http://x\")")
    job = services.run_export_job(make_job(street_officer).pk, actor=actor_for(street_officer, "task"))
    sheet = load_workbook(job.file_path).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == "=HYPERLINK(\"http://x\")"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_only_the_owner_may_see_or_download_a_job(client, city, street_officer, grid_worker, settings, tmp_path):
    settings.WANGGE_EXPORT_DIR = tmp_path
    job = services.run_export_job(make_job(street_officer).pk, actor=actor_for(street_officer, "task"))
    client.force_login(grid_worker)
    for name in ("exports:job", "exports:progress", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    client.force_login(street_officer)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert reverse("exports:download", args=[job.pk]) in page
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200
    download = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="exports.exportjob").get()
    assert download.changes["download"] is True and download.actor_username == street_officer.username


def test_a_running_job_page_polls_for_progress(client, city, street_officer):
    job = make_job(street_officer)
    client.force_login(street_officer)
    html = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html


def test_expired_files_are_deleted_and_no_longer_downloadable(client, city, street_officer, settings, tmp_path):
    settings.WANGGE_EXPORT_DIR = tmp_path
    job = services.run_export_job(make_job(street_officer).pk, actor=actor_for(street_officer, "task"))
    assert services.delete_expired_exports(now=job.expires_at) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not list(tmp_path.iterdir())
    client.force_login(street_officer)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_below_the_limit_the_export_streams(client, city, street_officer, settings):
    settings.WANGGE_EXPORT_STREAM_ROWS = 3
    client.force_login(street_officer)
    response = client.get(reverse("people:resident_export"))
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


def test_the_worker_writes_the_file_in_the_language_of_the_request_that_asked(city, street_officer, settings,
                                                                                  tmp_path):
    from django.utils import translation

    settings.WANGGE_EXPORT_DIR = tmp_path
    with translation.override("en"):
        job = make_job(street_officer)
    assert job.language == "en"
    job = services.run_export_job(job.pk, actor=actor_for(street_officer, "task"))  # the worker: default language
    sheet = load_workbook(job.file_path).active
    assert sheet.title == "Data"
    from wangge.people.exports import RESIDENT_EXPORT_HEADERS

    with translation.override("en"):
        english = [str(h) for h in RESIDENT_EXPORT_HEADERS]
    assert english[1] == "Name"
    assert list(next(sheet.iter_rows(values_only=True))) == english


def test_a_failed_job_says_so_in_the_language_of_who_asked(city, street_officer, settings, tmp_path, monkeypatch):
    settings.WANGGE_EXPORT_DIR = tmp_path
    job = make_job(street_officer)
    ExportJob.objects.filter(pk=job.pk).update(language="en")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "_write_job_file", broken)
    job = services.run_export_job(job.pk, actor=actor_for(street_officer, "task"))  # the worker: default language
    assert job.status == ExportJob.Status.FAILED
    assert job.message == "The export failed; please try again later" and not list(tmp_path.iterdir())
