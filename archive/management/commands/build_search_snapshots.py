"""Build the snapshots of the searches everyone makes (archive/snapshots.py).

    python manage.py build_search_snapshots [--share 0.005] [--phrases 30] [--slow 100]
                                            [--jobs N] [--list]

Run it nightly: a snapshot with more than snapshots.MAX_CHANGED documents changed since it was
built is left aside (the search is computed) until the next build.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from archive import snapshots, workers


class Command(BaseCommand):
    help = _(
        "Tính trước và lưu kết quả của các tìm kiếm thông dụng (từ phổ biến, cụm từ thường gặp "
        "trong tiêu đề, duyệt theo một mục tiêu, loại văn bản hoặc tỉnh, các tìm kiếm chậm được "
        "tìm nhiều lần nhất; thu hẹp theo loại và năm), luôn chính xác dù dữ liệu thay đổi sau "
        "đó. Nên chạy lại hằng đêm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--share",
            type=float,
            default=snapshots.COMMON_SHARE,
            help=_(
                "một từ có trong ít nhất tỉ lệ tài liệu này là từ phổ biến (mặc định %(default)s)"
            ),
        )
        parser.add_argument(
            "--phrases",
            type=int,
            default=snapshots.PHRASES,
            help=_("số cụm từ thường gặp nhất trong tiêu đề (mặc định %(default)s)"),
        )
        parser.add_argument(
            "--slow",
            type=int,
            default=snapshots.SLOW_SEARCHES,
            help=_(
                "số tìm kiếm chậm được tìm nhiều lần nhất cũng được tính trước "
                "(mặc định %(default)s)"
            ),
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=workers.DEFAULT_JOBS,
            help=_("số tiến trình chạy song song (mặc định: số nhân, tối đa 4)"),
        )
        parser.add_argument(
            "--list", action="store_true", help=_("chỉ liệt kê các tìm kiếm sẽ được tính")
        )

    def handle(self, *args, share, phrases, slow, jobs, list, **options):
        searches = snapshots.with_slow_searches(snapshots.common_searches(share, phrases), slow)
        if list:
            for parameters in searches:
                self.stdout.write(str(parameters))
            return

        def progress(parameters, seconds):
            if options["verbosity"] > 1:
                self.stdout.write(f"{seconds * 1000:8.0f} ms  {parameters}")

        started = time.perf_counter()
        try:
            pruned = snapshots.rebuild(searches, progress, jobs)
        except snapshots.WritersStillRunning as running:
            raise CommandError(
                _(
                    "Các giao dịch ghi đang chạy (%(running)s) chưa kết thúc sau 10 phút: "
                    "hãy chạy lại sau."
                )
                % {"running": running}
            ) from None
        self.stdout.write(
            _("Đã tính %(count)s tìm kiếm trong %(seconds).1f giây; xoá %(pruned)s mục nhật ký.")
            % {"count": len(searches), "seconds": time.perf_counter() - started, "pruned": pruned}
        )
