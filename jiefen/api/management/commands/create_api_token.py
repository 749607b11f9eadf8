from django.core.management.base import BaseCommand, CommandError

from jiefen.api.models import Scope
from jiefen.api.tokens import do_create_api_token
from jiefen.cases.actions import ActionError
from jiefen.org.models import User


class Command(BaseCommand):
    help = "创建开放接口令牌（令牌只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="令牌代表的账号（用户名），建议为对接系统单设的服务账号")
        parser.add_argument("--name", required=True, help="令牌名称，如：12345政务服务热线")
        parser.add_argument(
            "--scopes", default="read", help=f"逗号分隔的权限：{','.join(Scope.values)}（默认 read）",
        )

    def handle(self, *args, user, name, scopes, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"账号 {user} 不存在")
        try:
            token, raw = do_create_api_token(
                account, name=name, scopes=[s.strip() for s in scopes.split(",") if s.strip()]
            )
        except ActionError as error:
            raise CommandError(error.message)
        self.stdout.write(f"已创建令牌“{token.name}”，代表账号 {account.username}，权限 {','.join(token.scopes)}。")
        self.stdout.write("令牌只显示这一次，请妥善保存：")
        self.stdout.write(raw)
