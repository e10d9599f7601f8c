from reform_tracker.imports.commands import ImportCommand


class Command(ImportCommand):
    help = "Nhập văn bản chỉ đạo từ tệp Excel theo mẫu (tất cả hoặc không gì cả)."
    kind = "directives"
