import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from archive.management.commands.bootstrap import FIXTURES


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request in English leaves English active."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db):
    """Load the reference data and the demo archive, as `make run` does on its first run."""
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("redaktor", password="mat-khau-thu-1")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
