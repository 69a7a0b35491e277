import pytest
from django.core.management import call_command

from archive.management.commands.bootstrap import FIXTURES


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
