"""Student content made inert, and cheap, before anyone renders it (feedback, formgrader).

One policy for every piece of HTML a student controls: the outputs of cells
that are not graded test cells, and markdown and raw cells when feedback is
exported. It is nh3 (the Python binding of the Rust sanitiser ammonia), with
ammonia's allow-list of tags and attributes: text, tables, lists, headings,
links and images stay; script, style, iframe, object, forms, every event
handler, and every class, id and style attribute go, and a URL must be http(s),
mailto, relative, or (for an image) an inline PNG/JPEG/GIF/WebP/SVG.

Parsing costs grow with nesting (an HTML parser's work per tag grows with the
number of open elements; markdown is parsed in Python), so each piece is held
to a `Budget` BEFORE it is parsed: its size, its nesting depth (measured by a
linear scan that never undercounts) and what the notebook has already spent in
bytes and seconds. A piece over budget is shown as escaped text, cut short,
with a line that says why.

Our own messages are drawn in a box marked with the class MARK. No student
content can carry a class, so no student content can look like our box. Text
we quote from a submission inside our boxes goes through `quote` (one short
line) and, where it is rendered as markdown, `markdown_literal`.
"""
from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field

import nh3
import nbformat

MARK = "course-grader"  # also in templates/feedback/course_feedback.html.j2
NO_MATH = "tex2jax_ignore"  # MathJax leaves our boxes alone: a quoted `$` stays a `$`

# Kept as they are: plain text is escaped when rendered, and nbconvert draws
# images, SVG included, as <img>, in which no script runs.
PLAIN_MIMES = ("text/plain", "image/png", "image/jpeg", "image/svg+xml")
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template",
                      "svg", "math"}

# ----------------------------------------------------------------- budgets
# Measured in benchmarks/render_budget.py (docs/benchmarks.md): at these limits
# one piece costs well under a second and one notebook a few seconds at most.
MAX_HTML_BYTES = 2**20            # one output or cell
MAX_HTML_DEPTH = 100              # open elements; a DataFrame needs 6
MAX_MARKDOWN_BYTES = 64 * 2**10   # one written answer or markdown output
NOTEBOOK_HTML_BYTES = 2 * 2**20   # all pieces of one notebook together
NOTEBOOK_MARKDOWN_BYTES = 256 * 2**10
NOTEBOOK_SECONDS = 10.0           # parsing time of one notebook
MAX_CODE_CHARS = 64 * 2**10       # one code cell shown highlighted (pygments: ~20 us a character)
NOTEBOOK_CODE_CHARS = 512 * 2**10
MAX_ANSI = 5000                   # terminal colour codes in one output (nbconvert's ansi2html
NOTEBOOK_ANSI = 20000             # is quadratic in them); beyond, they are dropped
SHOWN_AS_TEXT = 10_000            # characters of an over-budget piece shown as text
TEXT_LINE = 200                   # its lines are wrapped (nbconvert's link regex is quadratic in a line)


@dataclass
class Budget:
    """What one notebook's student content may still cost to parse. Every
    piece is charged before it is parsed; `cuts` says what was shown as text."""
    html_bytes: int = NOTEBOOK_HTML_BYTES
    markdown_bytes: int = NOTEBOOK_MARKDOWN_BYTES
    code_chars: int = NOTEBOOK_CODE_CHARS
    ansi_codes: int = NOTEBOOK_ANSI
    seconds: float = NOTEBOOK_SECONDS
    started: float = field(default_factory=time.monotonic)
    cuts: list[str] = field(default_factory=list)

    def refuse(self, kind: str, text: str) -> str | None:
        """Why `text` (kind "html" or "markdown") may not be parsed, or None
        after charging it to this budget."""
        size = len(text.encode("utf-8", "surrogatepass"))
        if time.monotonic() - self.started > self.seconds:
            return "the page's time budget for rendering was used up"
        if kind == "markdown":
            if size > MAX_MARKDOWN_BYTES:
                return f"it is longer than {MAX_MARKDOWN_BYTES // 1024} KB of markdown"
            if size > self.markdown_bytes:
                return "the notebook holds more markdown than the page renders"
            self.markdown_bytes -= size
            return None
        if size > MAX_HTML_BYTES:
            return f"it is longer than {MAX_HTML_BYTES // 2**20} MB of HTML"
        if size > self.html_bytes:
            return "the notebook holds more HTML than the page renders"
        depth = html_depth(text, MAX_HTML_DEPTH)
        if depth > MAX_HTML_DEPTH:
            return f"its HTML is nested more than {MAX_HTML_DEPTH} levels deep"
        self.html_bytes -= size
        return None


_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr "
                  "basefont bgsound frame image isindex".split())
# elements whose end tag may be left out: a parser closes them by itself
_IMPLIED_END = frozenset("p li dt dd option optgroup rb rp rt rtc tr td th tbody thead tfoot "
                         "colgroup caption".split())
_CLOSES = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "p": {"p"}, "option": {"option"},
           "tr": {"td", "th", "tr"}, "td": {"td", "th"}, "th": {"td", "th"}}
_TAG_START = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\t\n\f\r />]*))")
# the rest of a tag up to its `>`; a quote opens a value only after `=`. Possessive,
# so a tag with no `>` (it runs to the end of the text) fails in one linear pass
_TAG_REST = re.compile(r"""[^>=]*+(?:=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+')?+[^>=]*+)*+>""")


def html_depth(text: str, limit: int) -> int:
    """The deepest nesting of elements in `text`, never less than a browser's
    parser would build up to a constant factor (implied elements), read in one
    linear pass; stops counting above `limit`. It errs upwards: an end tag that
    does not close the innermost open element (bar elements whose end tags are
    optional) closes nothing here, while a parser may keep both open."""
    if text.count("<") <= limit:
        return text.count("<")
    stack: list[str] = []
    deepest, pos = 0, 0
    search, rest = _TAG_START.search, _TAG_REST.match
    while True:
        m = search(text, pos)
        if m is None:
            return deepest
        if m.group(1):  # a comment: nothing in it counts
            pos = text.find("-->", m.end())
            if pos < 0:
                return deepest
            continue
        r = rest(text, m.end())
        if r is None:
            return deepest  # the tag runs to the end of the text
        pos = r.end()
        name = m.group(3).lower()
        if m.group(2):
            while stack and stack[-1] != name and stack[-1] in _IMPLIED_END:
                stack.pop()
            if stack and stack[-1] == name:
                stack.pop()
            continue
        if name in _VOID or text[pos - 2] == "/":
            continue
        closes = _CLOSES.get(name)
        if closes:
            while stack and stack[-1] in closes:
                stack.pop()
        elif stack and stack[-1] == "p":
            stack.pop()  # most elements close an open paragraph; erring up is safe
        stack.append(name)
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest > limit:
                return deepest


def plain_excerpt(text: str, why: str) -> str:
    """An over-budget piece as plain text: its start, in lines short enough
    for any later pattern to scan, and a line that says why it is not rendered."""
    shown = text[:SHOWN_AS_TEXT]
    lines = []
    for line in shown.splitlines() or [""]:
        lines += [line[i:i + TEXT_LINE] for i in range(0, max(len(line), 1), TEXT_LINE)]
    more = len(text) - len(shown)
    return "\n".join(lines) + f"\n[not rendered: {why}; shown as text" + \
        (f", {more} more characters not shown]" if more else "]")


def as_text(text: str, why: str) -> str:
    """An over-budget piece as escaped HTML text (plain_excerpt)."""
    return f"<pre>{html.escape(plain_excerpt(text, why))}</pre>"


# ------------------------------------------------------------- sanitising

def _url_filter(element: str, attribute: str, value: str) -> str | None:
    """data: URLs only as the source of an image; everything else as ammonia decides."""
    if value.strip().lower().startswith("data:"):
        return value if element == "img" and attribute == "src" and _IMAGE_DATA.match(value) else None
    return value


_CLEANER = nh3.Cleaner(
    clean_content_tags=_DROP_WITH_CONTENT,
    url_schemes={"http", "https", "mailto", "data"},
    attribute_filter=_url_filter,
    allowed_classes={"a": {"anchor-link"}},  # nbconvert's heading links (hidden until hover)
)


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-_]?)")


def _without_colours(lines: list[str], budget: "Budget", where: str) -> list[str]:
    """Output text (one piece, in lines) with its terminal colour codes kept
    within the budget, or dropped."""
    n = sum(line.count("\x1b") for line in lines)
    if not n:
        return lines
    if n <= MAX_ANSI and n <= budget.ansi_codes:
        budget.ansi_codes -= n
        return lines
    budget.cuts.append(f"{where}: its output held more than {min(MAX_ANSI, n - 1)} terminal colour "
                       "codes, which were dropped" if where else "terminal colour codes dropped")
    return [_ANSI.sub("", line) for line in lines]


def code_excerpt(source, budget: "Budget") -> str:
    """A code cell's source as shown on a page: highlighting costs about 20 us
    a character, so a cell is cut at MAX_CODE_CHARS and a page at
    NOTEBOOK_CODE_CHARS, with a comment line that says how much is not shown."""
    text = valid_text(_text(source))
    allowed = min(MAX_CODE_CHARS, budget.code_chars)
    if time.monotonic() - budget.started > budget.seconds:
        allowed = 0
    shown = text[:allowed]
    budget.code_chars -= len(shown)
    if len(shown) == len(text):
        return text
    return shown + f"\n# [not shown: {len(text) - len(shown)} more characters of this cell]"


def _text(value) -> str:
    """Output text as nbformat stores it (a string, or a list of strings)."""
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def valid_text(text: str) -> str:
    """`text` with lone surrogates (which no UTF-8 file or message can hold)
    replaced by U+FFFD; proper surrogate pairs become the character they encode."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _refused(kind: str, text: str, budget: Budget, where: str) -> str | None:
    why = budget.refuse(kind, text)
    if why:
        budget.cuts.append(f"{where}: {why}" if where else why)
    return why


def clean(markup, budget: Budget | None = None, where: str = "") -> str:
    """Sanitise student HTML within `budget` (a fresh one when None); over
    budget, it is shown as text and the cut is noted in `budget.cuts`."""
    text, budget = valid_text(_text(markup)), budget if budget is not None else Budget()
    why = _refused("html", text, budget, where)
    return as_text(text, why) if why else _CLEANER.clean(text)


def markdown_to_html(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    return markdown2html_mistune(text)


def render_markdown(markdown, budget: Budget | None = None, where: str = "") -> str:
    """Student markdown as sanitised HTML, within `budget`."""
    text, budget = valid_text(_text(markdown)), budget if budget is not None else Budget()
    why = _refused("markdown", text, budget, where)
    return as_text(text, why) if why else clean(markdown_to_html(text), budget, where)


_FILES_URL = re.compile(r"(src|href)=([\'\"]?)/?files/")


def page_budget(resources) -> Budget:
    """The budget of the page being rendered, kept in nbconvert's resources."""
    if not isinstance(resources, dict):
        return Budget()
    return resources.setdefault("course_render_budget", Budget())


def _template_filter(render):
    import jinja2

    @jinja2.pass_context
    def run(context, text):
        # nbconvert's own strip_files_prefix is quadratic in a line's length:
        # only its linear half, the one for rendered HTML, is applied here
        return _FILES_URL.sub(r"\1=\2", render(text, page_budget(context.get("resources"))))
    return run


# template filters (steps/nbconfig.py): student markdown and raw HTML cells
student_markdown = _template_filter(render_markdown)
student_html = _template_filter(clean)


def _code_filter():
    import jinja2

    @jinja2.pass_context
    def run(context, source):
        return code_excerpt(source, page_budget(context.get("resources")))
    return run


student_code = _code_filter()  # before highlight_code, which costs ~20 us a character


def _image_sizes(metadata: dict) -> dict:
    """The only output metadata kept: integer image sizes (nbconvert writes
    them into the <img> tag unquoted, so anything else could add attributes)."""
    kept = {}
    for mime in IMAGE_MIMES:
        sizes = {k: v for k, v in (metadata.get(mime) or {}).items()
                 if k in ("width", "height") and type(v) is int} \
            if isinstance(metadata.get(mime), dict) else {}
        if sizes:
            kept[mime] = sizes
    return kept


def inert_output(out, budget: Budget | None = None, where: str = ""):
    """The output with its HTML sanitised and active content removed, or None."""
    kind = out.get("output_type")
    budget = budget if budget is not None else Budget()
    if kind == "stream":
        return nbformat.v4.new_output("stream", name=out.get("name") if out.get("name") in
                                      ("stdout", "stderr") else "stdout",
                                      text=_without_colours([valid_text(_text(out.get("text", "")))],
                                                            budget, where)[0])
    if kind == "error":  # name, value and traceback are rendered as escaped text
        lines = [valid_text(t) for t in out.get("traceback", []) if isinstance(t, str)] \
            if isinstance(out.get("traceback"), list) else []
        return nbformat.v4.new_output(
            "error", ename=valid_text(_text(out.get("ename", ""))),
            evalue=valid_text(_text(out.get("evalue", ""))),
            traceback=_without_colours(lines, budget, where))
    if kind not in ("display_data", "execute_result"):
        return None
    data = out.get("data") if isinstance(out.get("data"), dict) else {}
    kept = {m: valid_text(_text(data[m])) for m in PLAIN_MIMES if m in data}
    if "text/plain" in kept:
        kept["text/plain"] = _without_colours([kept["text/plain"]], budget, where)[0]
    for mime, language in (("text/html", "html"), ("text/markdown", "markdown")):
        if mime not in data:
            continue
        text = valid_text(_text(data[mime]))
        why = _refused(language, text, budget, where)
        if why:  # as plain text, which no later pass parses (or charges) again
            kept["text/plain"] = plain_excerpt(kept.get("text/plain") or text, why)
        elif language == "html":
            kept["text/html"] = _CLEANER.clean(text)
        else:
            kept["text/html"] = clean(markdown_to_html(text), budget, where)
        break
    if "text/latex" in data and "text/plain" not in kept:
        kept["text/plain"] = valid_text(_text(data["text/latex"]))
    if not kept:  # only JavaScript, widgets or other active types
        return None
    metadata = out.get("metadata") if isinstance(out.get("metadata"), dict) else {}
    new = nbformat.v4.new_output(kind, data=kept, metadata=_image_sizes(metadata))
    if kind == "execute_result":
        count = out.get("execution_count")
        new.execution_count = count if type(count) is int else None
    return new


def inert_outputs(outputs, budget: Budget | None = None, where: str = "") -> list:
    budget = budget if budget is not None else Budget()
    if not isinstance(outputs, list):
        return []
    return [o for o in (inert_output(out, budget, where) for out in outputs
                        if isinstance(out, dict)) if o is not None]


# --------------------------------------------------------- quoting students

def quote(text, limit: int = 60) -> str:
    """A string from a submission, to be quoted in one of our messages: one
    line, printable, at most `limit` characters, in quotes."""
    if not isinstance(text, str):  # a value of another kind: as Python writes it
        shown = valid_text(repr(text))
        return shown if len(shown) <= limit else shown[:limit] + "…"
    text = valid_text(text)
    shown = repr(text[:limit])
    return shown[:-1] + "…" + shown[-1] if len(text) > limit else shown


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_CODE_SPAN = re.compile(r"`([A-Za-z0-9_.()-]+)`")  # our `cell_id`, `f(...)`: no markup can hide in one


def markdown_literal(text: str) -> str:
    """`text` as markdown that renders exactly as written, on one line: every
    ASCII punctuation mark is escaped (links, images, emphasis, headings, raw
    HTML and bare URLs all need one) but in code spans of plain names, and
    line breaks become spaces."""
    parts = _CODE_SPAN.split(" ".join(valid_text(str(text)).split()))
    return "".join(f"`{p}`" if i % 2 else _MD_SPECIAL.sub(r"\\\1", p) for i, p in enumerate(parts))


def message_box(messages: list[str], points: float, max_points: float) -> str:
    """Our per-test-cell messages as HTML, in the box only the grader draws."""
    kind = "success" if points >= max_points else "danger" if points <= 0 else "warning"
    items = "".join(f"<li>{html.escape(m, quote=False)}</li>" for m in messages)
    return (f'<div class="{MARK} {NO_MATH} alert alert-{kind}" role="status">'
            f"<strong>Autograder</strong><ul>{items}</ul></div>")
