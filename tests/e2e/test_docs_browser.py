"""/docs in a real headless browser: Authorize, then try a route."""

import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Service

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = shutil.which("chromium")
# Without these, Chromium keeps trying to reach Google's services, which a
# machine without internet access refuses, many times a second.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(served: Service) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (./dev test installs it as root)")
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=QUIET_FLAGS
        )
        context = browser.new_context()
        # Any request that leaves the service would fail here: record it.
        context.outside_requests = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(served.url)
                else (context.outside_requests.append(route.request.url), route.abort())
            ),
        )
        yield context.new_page()
        browser.close()


def test_a_person_can_authorize_and_list_tasks_from_the_docs(
    served: Service, page: Any
) -> None:
    httpx.post(
        f"{served.url}/auth/create",
        json={"username": "browser", "password": "correct horse battery"},
    )

    page.goto(f"{served.url}/docs")
    page.get_by_role("button", name="Authorize").first.click()
    page.locator("#oauth_username").fill("browser")
    page.locator("#oauth_password").fill("correct horse battery")
    with page.expect_response(lambda r: r.url.endswith("/auth/login")) as login:
        page.get_by_label("Apply given OAuth2 credentials").click()
    page.get_by_text("Authorized", exact=True).wait_for()
    page.locator(".auth-btn-wrapper").get_by_text("Close").click()

    operation = page.locator("#operations-tasks-TasksListTasks")
    operation.click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: "/tasks" in r.url) as answer:
        operation.get_by_role("button", name="Execute").click()

    assert login.value.status == 200
    assert answer.value.status == 200
    assert page.context.outside_requests == []
    page.screenshot(path=str(served.log.parent / "docs.png"), full_page=True)
