"""Load a year's official holiday schedule from a text file (the format of clocks.loading)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiefen.clocks.loading import load_year


class Command(BaseCommand):
    help = "载入某一年的法定节假日和调休上班安排，并重新计算受影响的期限"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--file", required=True, help="UTF-8 文本，每行如：2027-01-01~2027-01-03 元旦 休")
        parser.add_argument("--source", required=True, help="如：国务院办公厅关于2027年部分节假日安排的通知")
        parser.add_argument("--user", help="记入审计的操作人用户名；不填则记为系统操作")

    def handle(self, *, year, file, source, user=None, **options):
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(_("没有用户名为“%(u)s”的用户") % {"u": user})
        try:
            # utf-8-sig: Windows Notepad saves UTF-8 with a byte-order mark.
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(_("无法读取文件%(f)s：%(e)s") % {"f": file, "e": e}) from e
        try:
            result = load_year(year, text, source, acting_user)
        except ValidationError as e:
            raise CommandError(_("未载入，请改正后重试：\n%(errors)s") % {"errors": "\n".join(e.messages)}) from e
        except PermissionDenied as e:
            raise CommandError(_("用户“%(u)s”无权载入节假日安排") % {"u": user}) from e
        self.stdout.write(
            _("已载入%(year)s年节假日安排：放假%(h)s天，调休上班%(w)s天；重新计算了%(n)s件案件的期限")
            % {"year": year, "h": result.holidays, "w": result.workdays, "n": len(result.cases_recomputed)}
        )
