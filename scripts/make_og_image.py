"""Make chalicelib/web/static/showcase-og.png, the 1200 × 630 picture a link to
the showcase shows when shared on Zalo or Facebook (they show no SVG): an
HTML card drawn by Debian's Chromium through Playwright (the browser the
end-to-end tests use; nothing is downloaded). Run again only to change it:
`.venv/bin/python -m scripts.make_og_image`."""
import os

from playwright.sync_api import sync_playwright

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "chalicelib", "web", "static",
                   "showcase-og.png")
CARD = """<!doctype html><html lang="vi"><meta charset="utf-8"><style>
body { margin: 0; width: 1200px; height: 630px; font-family: "DejaVu Sans", "Noto Sans", sans-serif;
       background: #b3261e; color: #fff; display: flex; align-items: center; }
.card { margin: 0 80px; }
.kicker { font-size: 34px; letter-spacing: 2px; text-transform: uppercase; opacity: .9; margin: 0 0 18px; }
h1 { font-size: 96px; line-height: 1.05; margin: 0 0 28px; }
p { font-size: 38px; line-height: 1.3; margin: 0; max-width: 980px; }
.bulb { position: absolute; right: 70px; bottom: 50px; width: 170px; height: 170px; }
</style><div class="card"><p class="kicker">Tổng Liên đoàn Lao động Việt Nam</p>
<h1>1 triệu sáng kiến</h1><p>Sáng kiến được công nhận: vấn đề, giải pháp, kết quả và giá trị làm lợi</p></div>
<svg class="bulb" viewBox="0 0 100 100"><circle cx="50" cy="40" r="30" fill="#ffbf00"/>
<rect x="38" y="66" width="24" height="16" rx="3" fill="#fff"/><rect x="42" y="84" width="16" height="6" rx="2" fill="#fff"/></svg>
</html>"""


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(CARD)
        page.screenshot(path=OUT)
        browser.close()
    print(OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
