"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Where `make screenshots` asks the journey to leave its pictures; unset, none are written.
SCREENSHOTS = os.environ.get("LK3_SCREENSHOTS_DIR")


@pytest.fixture(scope="session")
def browser():
    """Chromium for the session. Playwright's synchronous API keeps an event loop in this thread;
    the tests' own database calls are synchronous and safe, so Django's guard against ORM calls
    from async code is lifted while the browser runs, and only then."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def screenshot_dir() -> Path | None:
    if not SCREENSHOTS:
        return None
    path = Path(SCREENSHOTS)
    path.mkdir(parents=True, exist_ok=True)
    return path
