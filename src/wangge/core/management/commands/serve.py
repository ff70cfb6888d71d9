"""``wangge serve``: migrate, then run the web server and the background worker together."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from wangge.core.supervisor import Supervisor


class Command(BaseCommand):
    help = "启动平台：Web 服务和后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        parser.add_argument("--workers", type=int, default=2, help="后台任务线程数")

    def handle(self, *args, host, port, threads, no_worker, workers, **options):
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        application = get_wsgi_application()

        self.migrate()
        # Static files are served by WhiteNoise from STATIC_ROOT; collecting is quick and idempotent.
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not no_worker:
            # Supervised: a worker that dies is started again (with backoff), so imports and the
            # five-minute alert jobs do not stop with it.
            worker = Supervisor(
                [sys.executable, "-m", "wangge.cli", "run_huey", "--workers", str(workers), "--worker-type", "thread"],
                say=lambda message: (self.stdout.write(message), self.stdout.flush()),
            ).start()

        def stop(*_):
            if worker is not None:
                worker.stop()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        db = "PostgreSQL" if settings.DB_IS_POSTGRES else f"SQLite {settings.SQLITE_PATH}"
        self.stdout.write(self.style.SUCCESS(f"网格平台已启动：http://{host}:{port}/  （数据库：{db}）"))
        try:
            serve(application, host=host, port=port, threads=threads, ident="wangge")
        finally:
            stop()

    def migrate(self) -> None:
        if not settings.WANGGE_MIGRATE_DATABASE_URL:
            call_command("migrate", interactive=False, verbosity=0)
            return
        # Migrate as the tables' owner, then grant this server's own role what it needs: it never
        # owns the audit log, so it can neither switch off its triggers nor truncate it.
        if connection.vendor != "postgresql":
            raise CommandError("WANGGE_MIGRATE_DATABASE_URL 只适用于 PostgreSQL")
        app_role = connection.settings_dict["USER"]
        for command in (["migrate", "--no-input", "--verbosity", "0"], ["grant_app_role", app_role]):
            done = subprocess.run([sys.executable, "-m", "wangge.cli", *command], check=False)
            if done.returncode != 0:
                raise CommandError(f"以所有者身份运行 {command[0]} 失败（退出码 {done.returncode}）")
