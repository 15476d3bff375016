"""The session's headless Chromium for browser tests; the helpers live in harness/browser.py.

Browser tests never skip: a missing Chromium is an error with instructions.
conftest.py imports the ``browser`` fixture from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from harness.browser import (  # noqa: F401 - re-exported for the tests
    follow_search_result, launch_chromium, serve_directory, watch_page)

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
