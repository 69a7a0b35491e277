"""Prepare a local archive on its first run: demo data and an admin account. Never overwrites."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from archive.models import Document, Province

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the reference data and the demo archive into an empty database and, for local "
        "development only, create an 'admin' account when there is no user. Data already "
        "there is never flushed or reloaded, so edits made in the admin survive."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            if not Province.objects.exists():
                call_command("loaddata", FIXTURES / "reference.json", verbosity=0)
                self.stdout.write(
                    "Đã nạp dữ liệu tham chiếu (tỉnh, cơ quan, mục tiêu GCM, loại văn bản)."
                )
            if not Document.objects.exists():
                call_command("loaddata", FIXTURES / "demo.json", verbosity=0)
                self.stdout.write("Đã nạp kho dữ liệu mẫu từ các văn bản gốc.")
        self.create_admin()

    def create_admin(self):
        User = get_user_model()
        if User.objects.exists():
            return
        if not settings.DEBUG:
            # Production never gets a generated account: its operator creates one on purpose.
            self.stdout.write(
                self.style.WARNING(
                    "Chưa có người dùng nào: tạo tài khoản bằng `manage.py createsuperuser`."
                )
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo tài khoản quản trị «admin», mật khẩu: {password}\n"
                "(chỉ hiện một lần; đổi mật khẩu trong trang quản trị)"
            )
        )
