from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Lưu trữ chính sách di cư")
    default_auto_field = "django.db.models.BigAutoField"


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the archive's own site (adminsite.ArchiveAdminSite)."""

    default = False  # this module's default is ArchiveConfig, the app itself
    default_site = "archive.adminsite.ArchiveAdminSite"
