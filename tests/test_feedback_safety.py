"""Feedback renders what students wrote, so student content must be inert.

A hostile submission displays script, event handlers, javascript: links,
JavaScript and widget outputs, a forged "Grading notes" block and forged
"✔ passed" messages (printed, displayed, in its written answer, in added
markdown and raw cells), and submits extra HTML files. It is graded by the real
nbgrader in the real sandbox next to an honest one, and the generated and
released feedback is parsed: nothing of the student's is active, our message
boxes appear exactly once per test cell, and only our own page is released.
The first tests check the sanitiser alone (no kernel).
"""
from __future__ import annotations

import os
import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from autograder import safehtml
from autograder.grading.report import read_report
from autograder.pipeline.autograde import autograde
from autograder.pipeline.collect import collect
from autograder.pipeline.feedback import feedback
from autograder.nbcells import grade_id, is_test_cell
from autograder.pipeline.release import release
from autograder.pipeline.student import fetch, fetch_feedback, submit
from test_pipeline import HW, answer, make_course, notebook_path

HONEST, HOSTILE = "honest", "hostile"
TESTS = ["test_cpts", "test_backdoor", "test_do", "test_naive"]
ANSI_STYLE = re.compile(r"((background-)?color: rgb\(\d+,\d+,\d+\);?\s*)+")
ACTIVE_TAGS = ["script", "style", "iframe", "form", "input", "object", "embed", "button"]

FAKE_HTML = (
    '<script>window.PWNED = 1</script><img src=x onerror="window.PWNED = 2">'
    '<a href="javascript:window.PWNED = 3">click</a><a href=" JaVa&#115;cript:window.PWNED = 4">x</a>'
    '<style>body { display: none }</style><iframe src="https://example.org/PWNED"></iframe>'
    '<form action="https://example.org/PWNED"><input name="password"></form>'
    '<div class="course-grader alert alert-success" style="color: green" id="top" '
    'data-x="PWNED">FAKE-BOX ✔ all checks passed: 2.0 / 2</div>')

# appended to the reference answers: the honest code still runs, then the attack
CPTS_EXTRA = f'''
from IPython.display import display, HTML
display(HTML({FAKE_HTML!r}))
display({{"application/javascript": "window.PWNED = 5", "text/plain": "js"}}, raw=True)
display({{"application/vnd.jupyter.widget-view+json":
          {{"model_id": "PWNED", "version_major": 2, "version_minor": 0}}}}, raw=True)
display({{"text/markdown": "**FAKE-MD** <script>window.PWNED = 6</script>"}}, raw=True)
display({{"text/latex": "$\\\\href{{javascript:window.PWNED=7}}{{FAKE-TEX}}$"}}, raw=True)
display({{"image/png": "iVBORw0KGgo="}}, raw=True,
        metadata={{"image/png": {{"width": "1 onerror=window.PWNED=8", "isolated": True}}}})
display(HTML("<b>FAKE-ISOLATED</b><script>window.PWNED = 9</script>"),
        metadata={{"text/html": {{"isolated": True}}}})
print("Grading notes\\n✔ FAKE-PRINT all checks passed: 2.0 / 2")
'''
DO_EXTRA = '''
from IPython.display import HTML
HTML('<b onclick="window.PWNED = 10">FAKE-RESULT</b><script>window.PWNED = 11</script>')
'''
ANSWER = ("**Grading notes**\n\n- ✔ FAKE-NOTES all checks passed\n\n"
          "Promotion 0, because happiness confounds. <script>window.PWNED = 12</script> "
          '<img src=x onerror="window.PWNED = 13"> <a href="javascript:window.PWNED = 14">link</a> '
          '<style>body { display: none }</style> <iframe src="https://example.org/PWNED"></iframe> '
          '<div class="course-grader alert alert-success" id="toc">FAKE-DIV ✔ passed</div> $x < y$')


def hostile_edit(nb):
    """Attack from the written answer and from cells the student adds, and edit a
    test cell, so the page also carries a real "Grading notes" box."""
    for cell in nb.cells:
        if grade_id(cell) == "explain_simpson":
            cell.source = ANSWER
        if grade_id(cell) == "test_naive":
            cell.source = 'print("✔ FAKE-TEST passed")'
    v4 = nbformat.v4
    nb.cells.insert(1, v4.new_markdown_cell(
        "**Grading notes**\n\n- ✔ FAKE-NOTECELL everything passed <script>window.PWNED = 15</script>",
        metadata={"course": {"grading_notes": True}, "tags": ["x course-grader"]}))
    nb.cells.insert(2, v4.new_raw_cell(
        '<div class="course-grader alert alert-success">FAKE-RAW ✔</div><script>window.PWNED = 16</script>',
        metadata={"raw_mimetype": "text/html"}))
    nb.cells.append(v4.new_code_cell(
        'import sys\nname = sys.stdout.name\nsys.stdout.name = \'stdout course-grader" onmouseover="window.PWNED = 17\'\n'
        'print("FAKE-STREAM")\nsys.stdout.flush()\nsys.stdout.name = name\n'))
    nb.cells.append(v4.new_code_cell('raise ValueError("<script>window.PWNED = 18</script> FAKE-ERROR")'))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feedback_safety")
    course = make_course(tmp, roster=[HONEST, HOSTILE])
    release(course, HW)
    for s in (HONEST, HOSTILE):
        fetch(course, HW, s)
    answer(course, HONEST)
    answer(course, HOSTILE, extra={"cpts_answer": CPTS_EXTRA, "do_answer": DO_EXTRA}, edit=hostile_edit)
    work = notebook_path(course, HOSTILE).parent
    (work / "evil.html").write_text("<script>window.PWNED = 19</script>EVIL-FILE")
    (work / f"{HW}.html").write_text("<script>window.PWNED = 20</script>FAKE-PAGE")
    (work / ".hidden.html").write_text("EVIL-DOTFILE")
    (work / "extra").mkdir()
    (work / "extra" / "evil.html").write_text("EVIL-NESTED")
    for s in (HONEST, HOSTILE):
        submit(course, HW, s)
    collect(course, HW)
    # a link dropped into submitted/ by hand: nbgrader copies what it points at onward
    secret = tmp / "secret.txt"
    secret.write_text("LINK-TARGET-SECRET")
    os.symlink(secret, course.course_dir / "submitted" / HOSTILE / HW / "linked.html")
    done = {g.student: g for g in autograde(course, HW, show_progress=False)}
    feedback(course, HW)
    return course, done


def page(course, student) -> BeautifulSoup:
    path = course.course_dir / "feedback" / student / HW / f"{HW}.html"
    return BeautifulSoup(path.read_text(), "html.parser")


def cell_of(soup, gid):
    anchor = soup.find("a", attrs={"name": gid})
    return anchor.find_parent("div", class_="cell")


# -- the sanitiser alone ---------------------------------------------------

def test_student_html_keeps_content_and_drops_everything_active():
    out = safehtml.clean(FAKE_HTML + "<table><thead><tr><th>a</th></tr></thead>"
                         "<tbody><tr><td>1</td></tr></tbody></table><p>para</p>"
                         '<img src="data:image/png;base64,iVBORw0KGgo="><img src="data:text/html;base64,PA==">'
                         '<a href="data:text/html,x">d</a><a href="https://example.org/ok">ok</a>')
    soup = BeautifulSoup(out, "html.parser")
    assert not soup.find_all(ACTIVE_TAGS)
    for el in soup.find_all(True):
        assert not {"class", "id", "style"} & set(el.attrs), el
        assert not any(a.startswith(("on", "data-")) for a in el.attrs), el
    hrefs = [a.get("href") for a in soup.find_all("a")]
    assert hrefs == [None, None, None, "https://example.org/ok"]
    assert [i.get("src") for i in soup.find_all("img")] == ["x", "data:image/png;base64,iVBORw0KGgo=", None]
    assert soup.find("th").text == "a" and soup.find("p").text == "para" and "FAKE-BOX" in soup.text


def test_outputs_lose_active_types_metadata_and_odd_stream_names():
    v4 = nbformat.v4
    outs = safehtml.inert_outputs([
        v4.new_output("display_data", data={"application/javascript": "x()"}),
        v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {}}),
        v4.new_output("display_data", data={"text/markdown": "**b** <script>x()</script>"}),
        v4.new_output("display_data", data={"text/latex": "$x$"}),
        v4.new_output("display_data", data={"image/png": "AA=="},
                      metadata={"image/png": {"width": "1 onerror=x()", "height": 20},
                                "text/html": {"isolated": True}}),
        v4.new_output("stream", name='stdout" onclick="x()', text="hi"),
        v4.new_output("execute_result", data={"text/plain": "3", "text/html": "<i onclick=x()>3</i>"},
                      execution_count=4),
    ])
    assert [o.output_type for o in outs] == ["display_data"] * 3 + ["stream", "execute_result"]
    assert list(outs[0].data) == ["text/html"] and "<script" not in outs[0].data["text/html"]
    assert "<strong>b</strong>" in outs[0].data["text/html"]
    assert outs[1].data == {"text/plain": "$x$"}
    assert outs[2].metadata == {"image/png": {"height": 20}}
    assert outs[3].name == "stdout"
    assert outs[4].data["text/html"] == "<i>3</i>" and outs[4].execution_count == 4


# -- the whole cycle -------------------------------------------------------

def test_the_honest_submission_is_graded_as_before(graded):
    course, done = graded
    assert done[HONEST].status == "ok"
    report = read_report(course, HW, HONEST)
    assert [q.points for q in report.questions] == [2, 3, 3, 1]


def test_the_autograded_notebook_keeps_no_active_student_output(graded):
    course, _ = graded
    nb = nbformat.read(course.course_dir / "autograded" / HOSTILE / HW / f"{HW}.ipynb", 4)
    for cell in nb.cells:
        for out in cell.get("outputs", []) if not is_test_cell(cell) else []:
            data = out.get("data", {})
            assert set(data) <= {"text/plain", "text/html", "image/png", "image/jpeg", "image/svg+xml"}
            assert "isolated" not in str(out.get("metadata", {}))
            for bad in ("<script", "onerror", "onclick", "javascript:", "class=", "style"):
                assert bad not in data.get("text/html", "").lower(), bad
    answer_cell = next(c for c in nb.cells if grade_id(c) == "explain_simpson")
    assert answer_cell.source == ANSWER  # the TA grades what the student wrote


@pytest.mark.parametrize("student", [HONEST, HOSTILE])
def test_feedback_has_no_active_student_content(graded, student):
    course, _ = graded
    soup = page(course, student)
    for cell in soup.select("div.cell"):
        assert not cell.find_all(ACTIVE_TAGS), cell.find_all(ACTIVE_TAGS)
        for el in cell.find_all(True):  # only nbconvert's colours for ANSI codes in text
            assert "style" not in el.attrs or el.name == "span" and ANSI_STYLE.fullmatch(el["style"]), el
    for el in soup.find_all(True):  # the whole page, nbconvert's own markup included
        assert not [a for a in el.attrs if a.lower().startswith("on")], el
        for value in el.attrs.values():
            value = " ".join(value) if isinstance(value, list) else value
            assert "javascript:" not in value.lower().replace(" ", ""), el
            assert "PWNED" not in value, el
    for script in soup.find_all("script"):  # nbconvert's MathJax and require.js, outside cells
        assert not script.find_parent("div", class_="cell") and "PWNED" not in script.text
    mathjax = [s["src"] for s in soup.find_all("script", src=True) if "mathjax" in s["src"].lower()]
    assert mathjax and all(",Safe" in src for src in mathjax)  # \href, \class, \style restricted
    if student == HONEST:  # the setup cell's DataFrame is still a table
        assert soup.select("div.output_html table thead th") and soup.select("div.output_html td")


@pytest.mark.parametrize("student", [HONEST, HOSTILE])
def test_our_boxes_appear_once_per_test_cell_and_students_cannot_forge_them(graded, student):
    course, _ = graded
    soup = page(course, student)
    boxes = soup.select(f".{safehtml.MARK}")
    for gid in TESTS:
        assert len(cell_of(soup, gid).select(f".{safehtml.MARK}")) == 1, gid
    notes = [b for b in boxes if "Grading notes" in b.text]
    assert len(notes) == (1 if student == HOSTILE else 0)
    assert len(boxes) == len(TESTS) + len(notes)
    for box in boxes:
        assert "FAKE" not in box.text
    if notes:  # ours: first on the page, and it says what really happened
        assert boxes[0] is notes[0] and "test_naive was edited" in notes[0].text
    alerts = [el for el in soup.find_all(class_=True) if any("alert" in c for c in el["class"])]
    assert all(safehtml.MARK in el["class"] for el in alerts)
    if student == HOSTILE:  # what the student wrote is still there, as inert text
        text = soup.get_text()
        for fake in ("FAKE-BOX", "FAKE-PRINT", "FAKE-MD", "FAKE-TEX", "FAKE-RESULT", "FAKE-NOTES",
                     "FAKE-DIV", "FAKE-NOTECELL", "FAKE-RAW", "FAKE-STREAM", "FAKE-ERROR"):
            assert fake in text, fake


def test_only_our_own_page_is_released_and_fetched(graded):
    course, _ = graded
    folder = course.course_dir / "feedback" / HOSTILE / HW
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{HW}.html", "submission_secret.txt", "timestamp.txt"])
    ours = (folder / f"{HW}.html").read_text()
    assert "Grading notes" in ours and "FAKE-PAGE" not in ours
    released = sorted((course.exchange / course.id / "feedback").iterdir())
    assert len(released) == 2 and all(p.suffix == ".html" for p in released)
    assert ours in [p.read_text() for p in released]
    for p in released:
        text = p.read_text()
        for bad in ("EVIL-FILE", "FAKE-PAGE", "EVIL-DOTFILE", "EVIL-NESTED", "LINK-TARGET-SECRET"):
            assert bad not in text, bad
    fetched = fetch_feedback(course, HW, HOSTILE)
    assert [p.name for p in fetched] == [f"{HW}.html"] and fetched[0].read_text() == ours
    got = [p for p in (notebook_path(course, HOSTILE).parent / "feedback").rglob("*") if p.is_file()]
    assert [p.name for p in got] == [f"{HW}.html"]
