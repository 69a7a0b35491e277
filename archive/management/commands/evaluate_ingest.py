"""Print the extraction's precision and recall per field on the labelled set.

    python manage.py evaluate_ingest [--data tests/data/ingest] [--details]

Run it on the demo archive (`manage.py bootstrap`): the labels name demo documents as link
targets.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from archive.ingest import Catalogue
from archive.ingest.evaluate import evaluate
from archive.models import Province

DEFAULT_DATA = Path(settings.BASE_DIR) / "tests" / "data" / "ingest"


class Command(BaseCommand):
    help = _("Đo độ chính xác (precision) và độ bao phủ (recall) của việc trích xuất.")

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
        parser.add_argument("--details", action="store_true", help=_("in từng chỗ sai"))

    def handle(self, *args, data, details, **options):
        if not (data / "expected.json").is_file():
            raise CommandError(_("Không có %(path)s.") % {"path": data / "expected.json"})
        if not Province.objects.exists():
            raise CommandError(_("Chưa có dữ liệu tham chiếu: chạy manage.py bootstrap trước."))
        counts, differences = evaluate(data, Catalogue())
        self.stdout.write(
            f"{'field':<18}{'precision':>10}{'recall':>10}{'tp':>6}{'fp':>6}{'fn':>6}"
        )
        for field, c in counts.items():
            self.stdout.write(
                f"{field:<18}{c['precision']:>10.3f}{c['recall']:>10.3f}"
                f"{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}"
            )
        if details:
            for name, field, missed, extra in differences:
                self.stdout.write(f"{name} {field}: thiếu {missed} thừa {extra}")
