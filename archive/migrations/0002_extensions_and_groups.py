"""PostgreSQL extensions the search needs, and the editor and viewer groups."""
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

EDITORS = "Biên tập viên"
VIEWERS = "Người xem"
ARCHIVE_MODELS = [
    "province", "agency", "gcmobjective", "documenttype", "document", "plan", "conference",
    "conferencesession", "article", "documentlink",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so the groups
    # can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    archive_permissions = Permission.objects.filter(
        content_type__app_label="archive", content_type__model__in=ARCHIVE_MODELS
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(
        archive_permissions.filter(codename__regex=r"^(add|change|view)_")
    )
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.set(archive_permissions.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, VIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(create_groups, remove_groups),
    ]
