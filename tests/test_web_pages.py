"""What every page shares: the catalogue covers every string the pages use, in
both languages; pages live under /app/; the language switch; static files."""
import os
import re

from app import app
from chalicelib import i18n
from chalicelib.web.pages import TEMPLATE_DIR, WEB_DIR
from tests.conftest import html_text

KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']\s*[,)]""")  # literal keys; built ones ("x." + y) are skipped


def page_sources():
    for folder in (TEMPLATE_DIR, WEB_DIR):
        for name in sorted(os.listdir(folder)):
            if name.endswith((".html", ".py")):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    yield name, f.read()


def test_every_string_the_pages_use_is_in_the_catalogue_in_both_languages():
    catalogue = i18n.catalogue()
    used = {(name, key) for name, source in page_sources() for key in KEY.findall(source)}
    assert len(used) > 50
    missing = sorted((name, key) for name, key in used if key not in catalogue)
    assert not missing, missing
    for key, entry in catalogue.items():
        assert entry.get("vi", "").strip() and entry.get("en", "").strip(), key


def test_every_page_is_under_app_and_wears_page_view():
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if getattr(entry.view_function, "page", False):
                assert path == "/" or path == "/app" or path.startswith("/app/"), path
            else:
                assert not path.startswith("/app"), f"{method} {path} is under /app but is not a page"


def test_the_language_switch_is_remembered(pages):
    switched = pages.get("/app/language?to=en&next=/app/submit", user="worker-rang-dong")
    assert switched.status_code == 303 and switched.headers["Location"] == "/app/submit"
    assert switched.headers["Set-Cookie"].startswith("sk_lang=en;")
    english = pages.get("/app/submit", user="worker-rang-dong", lang="en")
    assert english.headers["Content-Language"] == "en" and "Send the initiative" in html_text(english)
    # Vietnamese first: a browser that asks for nothing in particular reads Vietnamese
    assert "Gửi sáng kiến" in html_text(pages.get("/app/submit", user="worker-rang-dong"))


def test_static_files_are_cached_for_good_only_with_their_hash(pages):
    from chalicelib.web.pages import asset

    hashed = pages.get(asset("app.js"))
    assert hashed.status_code == 200 and "immutable" in hashed.headers["Cache-Control"]
    assert "immutable" not in pages.get("/app/static/app.js").headers["Cache-Control"]
    assert pages.get("/app/static/nothing.js").status_code == 404
