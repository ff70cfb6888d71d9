"""``wangge demo``: build the demo city and print its accounts (``role username password scope-code``)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from wangge.core.errors import DomainError
from wangge.demo.builder import Progress
from wangge.demo.services import accounts_file, demo_city_build


class Command(BaseCommand):
    help = "生成示范城市（武汉）：区、街道、社区、网格、楼栋、住户、居民和各角色示范账号"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=50_000, help="居民人数（默认 50000）")
        parser.add_argument("--seed", type=int, default=2020, help="随机种子：同一种子生成同一座城市")
        parser.add_argument(
            "--reset", action="store_true", help="先清空网格、居民数据和示范账号再生成（审计日志保留）"
        )
        parser.add_argument(
            "--city-only", action="store_true",
            help="只生成城市、居民和账号，不生成疫情防控示范数据（病例、隔离、转运、排查）：用于基准测试",
        )

    def handle(self, *args, residents, seed, reset, city_only, verbosity, **options):
        if residents < 1:
            raise CommandError("居民人数必须是正整数")
        # A fresh database works too: the demo is often the first thing run against it.
        call_command("migrate", interactive=False, verbosity=0)
        progress = Progress(residents, stream=self.stderr._out, enabled=verbosity >= 1)
        try:
            result, accounts, resident = demo_city_build(
                residents=residents, seed=seed, reset=reset, progress=progress, epidemic_work=not city_only
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if verbosity >= 1:
            self.stderr.write(
                f"示范城市已生成：{result.districts} 个区、{result.streets} 个街道、{result.communities} 个社区、"
                f"{result.grids} 个网格、{result.buildings:,} 栋楼、{result.households:,} 户、"
                f"{result.residents:,} 名居民，用时 {result.seconds:.1f} 秒。"
            )
            self.stderr.write(f"示范账号（角色 用户名 密码 管辖范围代码）已写入 {accounts_file()}：")
        for account in accounts:
            self.stdout.write(account.line)
        if verbosity >= 1 and resident is not None:
            # Not on stdout: scripts read its lines as "role username password scope-code".
            self.stderr.write(
                f"居民登录（手机号＋验证码）：打开 /accounts/login/phone/，输入手机号 {resident.phone}"
                f"（{resident.head}一家：{'、'.join(resident.members)}），点“获取验证码”；"
                "验证码在发件箱 /messaging/outbox/（用 admin 登录查看）和服务日志里，5 分钟内有效。"
            )
