"""``wangge grant_app_role ROLE``: let the platform run as a role that does not own its tables.

The owner (the role migrations run as) can always disable or drop the audit log's triggers, so
the web server and worker should connect as another role: one that reads and writes every
ordinary table but may only SELECT and INSERT on the audit log.  Run as the owner, after every
migration (``wangge serve`` does so when ``WANGGE_MIGRATE_DATABASE_URL`` is set); default
privileges cover tables that later migrations create, the audit log excepted by construction.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from wangge.audit.models import AuditEntry


def grant_statements(role: str, *, schema: str, audit_table: str) -> list[str]:
    q = connection.ops.quote_name
    role, schema, audit = q(role), q(schema), q(audit_table)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};",
        # The audit log: read and append, nothing else (no UPDATE, DELETE, TRUNCATE, TRIGGER).
        f"REVOKE ALL ON TABLE {audit} FROM {role};",
        f"GRANT SELECT, INSERT ON TABLE {audit} TO {role};",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role};",
    ]


class Command(BaseCommand):
    help = "授权应用数据库角色：普通表可增删改查，审计日志只能查询和追加（仅 PostgreSQL，以表的所有者运行）"

    def add_arguments(self, parser):
        parser.add_argument("role", help="应用连接数据库所用的角色（DATABASE_URL 中的用户）")
        parser.add_argument("--print", action="store_true", dest="print_only", help="只打印 SQL，不执行")

    def handle(self, *args, role: str, print_only: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role 只适用于 PostgreSQL；SQLite 没有数据库角色")
        audit_table = AuditEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"数据库角色 {role} 不存在，请先 CREATE ROLE {role} LOGIN PASSWORD '…'")
            if found[0]:
                raise CommandError(f"{role} 是超级用户，无法限制它对审计日志的操作")
            cursor.execute(
                "SELECT pg_has_role(%s, tableowner, 'MEMBER') FROM pg_tables"
                " WHERE schemaname = current_schema() AND tablename = %s",
                [role, audit_table],
            )
            owns = cursor.fetchone()
            if owns is None:
                raise CommandError("审计日志表不存在，请先运行 wangge migrate")
            if owns[0]:
                raise CommandError(f"{role} 拥有审计日志表（或属于其所有者角色），应用应使用另一个角色连接")
        statements = grant_statements(role, schema=schema, audit_table=audit_table)
        if print_only:
            self.stdout.write("\n".join(statements))
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"已授权 {role}：普通表可读写，审计日志只能查询和追加"))
