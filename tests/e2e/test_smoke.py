"""The end-to-end chain works: the app served as a user starts it, reached by headless Chromium."""
import json
import os
import re

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot


def test_the_browser_reaches_the_served_apps_health_check(new_page):
    # GIVEN the app started by `scripts/dev.py serve` and a phone-sized page in Chromium
    page = new_page()
    # WHEN the browser opens /health
    response = page.goto("/health")
    # THEN the app answers 200 with its status, and the page shows that JSON
    assert response is not None and response.status == 200
    status = response.json()["status"]
    assert status == "ok"
    shown = re.sub(r"\s", "", page.locator("body").inner_text())
    assert f'"status":"{status}"' in shown, shown
    assert no_horizontal_scroll(page)
    assert os.path.getsize(save_screenshot(page, "smoke-health")) > 0
    assert json.loads(shown[shown.index("{"):shown.rindex("}") + 1])["status"] == status
