"""Student content made inert before anyone renders it (feedback, formgrader).

One policy for every piece of HTML a student controls: the outputs of cells
that are not graded test cells, and markdown and raw cells when feedback is
exported. It is nh3 (the Python binding of the Rust sanitiser ammonia), with
ammonia's allow-list of tags and attributes: text, tables, lists, headings,
links and images stay; script, style, iframe, object, forms, every event
handler, and every class, id and style attribute go, and a URL must be http(s),
mailto, relative, or (for an image) an inline PNG/JPEG/GIF/WebP/SVG.

Our own messages are drawn in a box marked with the class MARK. No student
content can carry a class, so no student content can look like our box.
"""
from __future__ import annotations

import html
import re

import nh3
import nbformat

MARK = "course-grader"  # also in templates/feedback/course_feedback.html.j2

# Kept as they are: plain text is escaped when rendered, and nbconvert draws
# images, SVG included, as <img>, in which no script runs.
PLAIN_MIMES = ("text/plain", "image/png", "image/jpeg", "image/svg+xml")
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template",
                      "svg", "math"}


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


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def clean(markup) -> str:
    """Sanitise student HTML (also registered as the `student_html` template filter)."""
    return _CLEANER.clean(_text(markup))


def markdown_to_html(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    return markdown2html_mistune(text)


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


def inert_output(out):
    """The output with its HTML sanitised and active content removed, or None."""
    kind = out.get("output_type")
    if kind == "stream":
        return nbformat.v4.new_output("stream", name=out.get("name") if out.get("name") in
                                      ("stdout", "stderr") else "stdout", text=_text(out.get("text", "")))
    if kind == "error":  # name, value and traceback are rendered as escaped text
        return out
    if kind not in ("display_data", "execute_result"):
        return None
    data = out.get("data") or {}
    kept = {m: _text(data[m]) for m in PLAIN_MIMES if m in data}
    if "text/html" in data:
        kept["text/html"] = clean(data["text/html"])
    elif "text/markdown" in data:
        kept["text/html"] = clean(markdown_to_html(_text(data["text/markdown"])))
    if "text/latex" in data and "text/plain" not in kept:
        kept["text/plain"] = _text(data["text/latex"])
    if not kept:  # only JavaScript, widgets or other active types
        return None
    new = nbformat.v4.new_output(kind, data=kept, metadata=_image_sizes(out.get("metadata") or {}))
    if kind == "execute_result":
        new.execution_count = out.get("execution_count")
    return new


def inert_outputs(outputs) -> list:
    return [o for o in (inert_output(out) for out in outputs) if o is not None]


def message_box(messages: list[str], points: float, max_points: float) -> str:
    """Our per-test-cell messages as HTML, in the box only the grader draws."""
    kind = "success" if points >= max_points else "danger" if points <= 0 else "warning"
    items = "".join(f"<li>{html.escape(m, quote=False)}</li>" for m in messages)
    return (f'<div class="{MARK} alert alert-{kind}" role="status">'
            f"<strong>Autograder</strong><ul>{items}</ul></div>")
