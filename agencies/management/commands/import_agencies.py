from reform_tracker.imports.commands import ImportCommand


class Command(ImportCommand):
    help = "Nhập danh sách cơ quan từ tệp Excel theo mẫu (tất cả hoặc không gì cả)."
    kind = "agencies"
