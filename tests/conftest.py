import pytest

from . import factories


@pytest.fixture
def org(db):
    return factories.build_org()


@pytest.fixture
def people(org):
    return factories.build_personas(org)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is not under test here; the real hasher is kept in production settings.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
