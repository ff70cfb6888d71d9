"""Shared body of ``import_residents`` and ``import_buildings``: the same service the page uses."""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wangge.audit.context import Actor
from wangge.core.errors import Forbidden
from wangge.people.imports import import_job_create, run_import_job
from wangge.people.models import ImportJob

MODES = {"valid_only": ImportJob.Mode.VALID_ONLY, "all_or_nothing": ImportJob.Mode.ALL_OR_NOTHING}


class ImportCommand(BaseCommand):
    kind: str = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--user", required=True, help="以该账号的身份和管辖范围导入")
        parser.add_argument("--mode", choices=sorted(MODES), default="all_or_nothing",
                            help="all_or_nothing：有错误则全部不导入（默认）；valid_only：只导入有效行")
        parser.add_argument("--max-errors", type=int, default=50, help="最多显示多少条错误明细")

    def handle(self, *args, file, user, mode, max_errors, **options):
        path = Path(file).resolve()
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"账号不存在或已停用：{user}")
        try:
            job = import_job_create(user=account, kind=self.kind, mode=MODES[mode], file_name=path.name,
                                    file_path=str(path))
        except Forbidden as exc:
            raise CommandError(exc.message) from None
        started = time.perf_counter()

        def progress(processed: int, total: int) -> None:
            elapsed = max(time.perf_counter() - started, 1e-6)
            percent = int(processed * 100 / total) if total else 100
            self.stdout.write(
                f"\r已处理 {processed}/{total} 行 ({percent}%) 速度 {processed / elapsed:.0f} 行/秒", ending=""
            )
            self.stdout.flush()

        result = run_import_job(job.pk, actor=Actor.cli(account), progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write("")
        job.refresh_from_db()
        rate = result.total_rows / elapsed if elapsed else 0
        self.stdout.write(
            f"导入任务 {job.pk}：{job.get_status_display()}。{result.message}"
            + (f"［{result.code}］" if result.code else "")
            + f"（用时 {elapsed:.1f} 秒，{rate:.0f} 行/秒）"
        )
        for error in result.errors[:max_errors]:
            self.stdout.write(f"  第{error['row']}行 [{error['column']}] {error['message']}")
        if result.error_count > max_errors:
            self.stdout.write(f"  ……共 {result.error_count} 处错误")
        if result.status != ImportJob.Status.SUCCEEDED:
            raise CommandError(f"导入未完成：{job.get_status_display()}")
