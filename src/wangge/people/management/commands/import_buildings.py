"""``wangge import_buildings FILE --user USERNAME [--mode valid_only|all_or_nothing]``."""

from wangge.people.management.commands._import_command import ImportCommand
from wangge.people.models import ImportJob


class Command(ImportCommand):
    help = "从 .xlsx 或 .csv 文件导入楼栋、单元和户（与导入页面使用同一套校验）"
    kind = ImportJob.Kind.BUILDINGS
