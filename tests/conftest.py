import os

import pytest

from tools.site import build

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The whole site, every language, built once per test session (strict)."""
    site_dir = tmp_path_factory.mktemp("site")
    build(site_dir)
    return site_dir
