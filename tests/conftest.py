import os

import pytest

from tests.browser.website import built_site as build_once

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def built_site():
    """The whole site, every language, built once per test process (strict);
    the browser tests serve this same build."""
    return build_once()
