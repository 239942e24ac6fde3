"""`python manage.py import_xlsx KIND FILE --user USERNAME [--inspection ID] [--dry-run]`: the
same checks and the same all-or-nothing write as the upload page, for batch use."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from reports.imports.engine import ACTION_LABELS, CREATE, UNCHANGED, UPDATE, run_import
from reports.imports.forms import draftable_inspections
from reports.imports.kinds import KINDS
from reports.imports.reader import Refused


class Command(BaseCommand):
    help = "从 .xlsx 导入党组织名册或问题底稿：逐行逐格检查，有任何错误时一条都不导入。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"导入类型：{', '.join(KINDS)}")
        parser.add_argument("file", help="按下载的模板填写的 .xlsx 文件")
        parser.add_argument("--user", required=True, help="以该用户的身份和管辖范围导入（记入修改历史）")
        parser.add_argument("--inspection", type=int, help="问题导入须指定巡察编号")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def handle(self, *args, kind, file, user, inspection, dry_run, **options):
        account = User.objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"找不到用户“{user}”。")
        importer = KINDS.get(kind)
        if importer is None:
            raise CommandError(f"导入类型“{kind}”不存在。可选：{', '.join(KINDS)}。")
        if not importer.may_use(account):
            raise CommandError(f"用户“{user}”的角色无权导入{importer.title}。")
        target = None
        if importer.needs_inspection:
            if inspection is None:
                raise CommandError(f"导入{importer.title}须用 --inspection 指定巡察编号。")
            target = draftable_inspections(account).filter(pk=inspection).first()
            if target is None:
                raise CommandError(f"找不到编号为 {inspection} 的巡察，或用户“{user}”不能在其中新增问题底稿。")
        try:
            with open(file, "rb") as fh:
                outcome = run_import(importer, fh, user=account, inspection=target, commit=not dry_run)
        except OSError as exc:
            raise CommandError(f"无法打开文件 {file}：{exc.strerror}") from None
        except Refused as exc:
            raise CommandError(f"无法导入：{exc}") from None
        if outcome.errors:
            self.stderr.write("行\t列\t问题")
            for error in outcome.errors:
                self.stderr.write(f"{error.row_label}\t{error.column}\t{error.message}")
            raise CommandError(f"文件中有 {len(outcome.errors)} 处错误，未导入任何数据。")
        counts = "，".join(f"{ACTION_LABELS[a]} {outcome.count(a)} 条" for a in (CREATE, UPDATE, UNCHANGED))
        if dry_run:
            self.stdout.write(f"检查通过（试运行，未保存）：{counts}。")
        else:
            self.stdout.write(f"已导入{importer.title}：{counts}。")
