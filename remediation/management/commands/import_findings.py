from reform_tracker.imports.commands import ImportCommand


class Command(ImportCommand):
    help = "Nhập tồn tại, hạn chế và nhiệm vụ khắc phục từ tệp Excel theo mẫu (tất cả hoặc không gì cả)."
    kind = "findings"
