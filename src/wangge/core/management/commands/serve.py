"""``wangge serve``: migrate, then run the web server and the background worker together.

The web server is one process (waitress, threads) for the embedded SQLite start, where a single
writer is all the database takes anyway; on PostgreSQL it is one process per core (gunicorn with
threaded workers), since the threads of one Python process share one interpreter lock and a
page's own Python work then caps the whole server at what one core renders.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from wangge.core.supervisor import Supervisor


def default_workers() -> int:
    """One web process per core the server may use in production (PostgreSQL); one on SQLite."""
    if not settings.DB_IS_POSTGRES:
        return 1
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class WebServer:
    """gunicorn's master in this process, forking ``workers`` processes of ``threads`` threads.

    The master takes over SIGTERM/SIGINT (it stops its processes, then exits, and ``handle``'s
    ``finally`` stops the background worker) and reaps children, so the supervisor may see its
    worker's exit code as 0; it starts the worker again all the same.
    """

    def __init__(self, *, host: str, port: int, workers: int, threads: int):
        self.options = {
            "bind": [f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"],
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            # A request may stream a large export for minutes; gthread workers report alive from
            # their own loop, so this bounds a stuck process, not a long response.
            "timeout": 120,
            "graceful_timeout": 20,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "wangge",
        }

    def run(self) -> None:
        from gunicorn.app.base import BaseApplication

        options = self.options

        class Application(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                from django.core.wsgi import get_wsgi_application

                return get_wsgi_application()

        Application().run()


class Command(BaseCommand):
    help = "启动平台：Web 服务和后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=None,
            help="Web 服务进程数（默认：PostgreSQL 时为 CPU 核数，嵌入式 SQLite 时为 1）",
        )
        parser.add_argument("--threads", type=int, default=None, help="每个 Web 服务进程的线程数")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        parser.add_argument("--task-threads", type=int, default=2, help="后台任务线程数")

    def handle(self, *args, host, port, workers, threads, no_worker, task_threads, **options):
        workers = default_workers() if workers is None else workers
        if workers < 1:
            raise CommandError("--workers 至少为 1")
        threads = threads or (8 if workers == 1 else 4)
        self.migrate()
        # Static files are served by WhiteNoise from STATIC_ROOT; collecting is quick and idempotent.
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not no_worker:
            # Supervised: a worker that dies is started again (with backoff), so imports and the
            # five-minute alert jobs do not stop with it.
            worker = Supervisor(
                [sys.executable, "-m", "wangge.cli", "run_huey", "--workers", str(task_threads),
                 "--worker-type", "thread"],
                say=lambda message: (self.stdout.write(message), self.stdout.flush()),
            ).start()

        def stop(*_):
            if worker is not None:
                worker.stop()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        db = "PostgreSQL" if settings.DB_IS_POSTGRES else f"SQLite {settings.SQLITE_PATH}"
        self.stdout.write(self.style.SUCCESS(
            f"网格平台已启动：http://{host}:{port}/  （数据库：{db}；Web 服务 {workers} 个进程 × {threads} 个线程）"
        ))
        self.stdout.flush()
        try:
            if workers == 1:
                from django.core.wsgi import get_wsgi_application
                from waitress import serve

                serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="wangge")
            else:
                # The forked processes must not share this one's database connection.
                connections.close_all()
                WebServer(host=host, port=port, workers=workers, threads=threads).run()
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
