"""The stored-markup corpus (tests/markup.py) in a real browser: an initiative
holding every case, stored through the served app's API and returned with
every case as the reason, is opened on the pages that show it. No dialog
opens, no script other than the app's is in the page, no element carries an
event handler, and the texts read as typed."""
import uuid

from playwright.sync_api import expect

from tests.markup import CORPUS, TEXTS

RUN = uuid.uuid4().hex[:6]
ALL = " ".join(TEXTS)


def token(page, user_id: str) -> str:
    answer = page.request.post("/dev/token", data={"user_id": user_id})
    assert answer.ok, answer.text()
    return answer.json()["token"]


def call(page, method: str, path: str, user_id: str, body: dict) -> dict:
    answer = page.request.fetch(path, method=method, data=body,
                                headers={"Authorization": f"Bearer {token(page, user_id)}"})
    assert answer.ok, (path, answer.status, answer.text())
    return answer.json()


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def what_ran(page) -> dict:
    """What of the corpus the page turned into something live."""
    return page.evaluate("""() => ({
        scripts: [...document.scripts].map(s => s.getAttribute('src') || s.textContent.slice(0, 60))
                   .filter(s => !s.startsWith('/app/static/app.js')),
        handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
                   .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
        loaded: [...document.querySelectorAll('img, iframe, object, embed, style, b, u')].map(e => e.outerHTML.slice(0, 80)),
        links: [...document.querySelectorAll('[href], [src], [action]')]
                 .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))
                 .filter(u => /^\\s*javascript:/i.test(u)),
    })""")


def test_a_page_showing_the_corpus_opens_no_dialog_and_runs_no_script(new_page):
    page = new_page(width=1280, height=800)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # GIVEN an initiative holding every case, stored through the API, returned with every case as the reason
    title = f'"><svg onload=alert("xss-svg")> <script>alert("xss-title")</script> {{{{7*7}}}} #{RUN}'
    names = [text for name, text in CORPUS if name in ("script", "img_onerror", "attribute_break", "textarea_break")]
    created = call(page, "POST", "/submissions", "worker-rang-dong", {
        "title": title, "unit_id": "cdcs-rang-dong", "subject_group": "enterprise-workers", "field": "productivity",
        "problem": f"Trước đây: {ALL}", "solution": f"Giải pháp: {ALL}", "results": f"Kết quả: {ALL}",
        "applied_where": TEXTS[2], "applied_from": "2026-03-01", "benefit_vnd": 1_000_000,
        "authors": [{"full_name": name, "share_percent": 25, **({"member_id": "worker-rang-dong"} if i == 0 else {})}
                    for i, name in enumerate(names)]})
    call(page, "POST", f"/submissions/{created['id']}/transitions", "reviewer-rang-dong",
         {"event": "request_revision", "expected_version": 1, "reason": f"Cần bổ sung: {ALL}"[:2000]})
    # WHEN its author opens their list, its page (with the history and the reason) and the edit form
    sign_in(page, "worker-rang-dong")
    for address in ("/app/initiatives", f"/app/initiatives/{created['id']}", f"/app/initiatives/{created['id']}/edit",
                    "/app/notifications"):
        page.goto(address)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # an injected onload/onerror would have fired by now
        # THEN nothing of the corpus runs
        assert what_ran(page) == {"scripts": [], "handlers": [], "loaded": [], "links": []}, address
    # AND the initiative's page reads the texts as typed
    page.goto(f"/app/initiatives/{created['id']}")
    expect(page.locator("h1")).to_have_text(title)
    main = page.locator("main").inner_text()
    for text in TEXTS:
        assert text in main, text
    assert dialogs == []
