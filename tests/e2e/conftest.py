"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


# What Chromium writes to the console when the site's own headers refuse something.
POLICY_MESSAGES = ("Content Security Policy", "Permissions-Policy")
# Every refusal seen since the current test began; the test fails if it ends with any.
REFUSALS: list[str] = []


class PolicedBrowser:
    """Chromium whose every page reports what the site's security policy refused.

    A page of ours or of viewflow that needs an inline script, a foreign host or a refused
    feature shows up here, so the policy is known to leave every page working.
    """

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.on("console", self._watch)
        return context

    @staticmethod
    def _watch(message: Any) -> None:
        if any(sign in message.text for sign in POLICY_MESSAGES):
            REFUSALS.append(f"{message.location.get('url', '?')}: {message.text}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


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
            yield PolicedBrowser(chromium)
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def _no_policy_refusal() -> Iterator[list[str]]:
    """Set up before, and so torn down after, the fixtures that close the test's pages."""
    REFUSALS.clear()
    yield REFUSALS
    refused, REFUSALS[:] = list(REFUSALS), []
    assert refused == [], "the security policy refused:\n" + "\n".join(refused)


@pytest.fixture
def policy_refusals(_no_policy_refusal: list[str]) -> list[str]:
    """The refusals so far, for a test that provokes one on purpose (and must clear it)."""
    return _no_policy_refusal


@pytest.fixture
def screenshot_dir() -> Path | None:
    if not SCREENSHOTS:
        return None
    path = Path(SCREENSHOTS)
    path.mkdir(parents=True, exist_ok=True)
    return path
