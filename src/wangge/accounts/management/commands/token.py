from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.models import User
from wangge.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "为指定用户签发接口令牌（只显示一次）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="令牌用途说明")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        self.stdout.write(api_token_issue(user=user, name=name))
