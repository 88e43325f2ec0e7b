"""The feedback page as a student sees it, and formgrader as a TA uses it.

The demo's homework is graded by the real nbgrader in the real sandbox for two
students who submitted late: alice (correct, with a plot of her own) and bob
(the Simpson's-paradox mistake). Alice's page is opened in headless Chromium
(Debian's `chromium`, driven by Playwright) from disk, with no network: her
figure and the notebook's own are images, the math is typeset by the MathJax
copy installed with the platform, each question is labelled by its title and
points, and no message runs past its box. Formgrader is then started on
127.0.0.1 with the generated nbgrader_config.py and its gradebook is fetched.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder.pipeline.autograde import autograde
from autograder.pipeline.collect import collect
from autograder.pipeline.export import rows
from autograder.pipeline.feedback import feedback
from autograder.pipeline.formgrader import server_command, write_config
from autograder.pipeline.release import release
from autograder.pipeline.student import fetch, submit
from test_pipeline import HW, answer, make_course

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ALICE_PLOT = '''
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["Z=0", "Z=1"], [1 - cpts["p_z1"], cpts["p_z1"]], color="#cc3311")
ax.set_title("alice's own figure")
plt.show()
'''
# bob's written answer carries math of his own, typeset by the same MathJax
BOB_ANSWER = ("Promotion 1 looks better overall: $P(Y=1 \\mid X=1) > P(Y=1 \\mid X=0)$."
              '<script>document.title = "PWNED"</script><img src=x onerror="document.title = 1">')


def build_course(tmp: Path):
    """Release, two late submissions, collect, autograde, feedback."""
    # due a day and a half ago: both are late by two started days (20% off)
    due = (datetime.now(timezone.utc) - timedelta(hours=36)).replace(microsecond=0)
    course = make_course(tmp, roster=["alice", "bob"]).moved(
        tmp / "state", assignment_changes={"due": due})
    release(course, HW)
    for s in ("alice", "bob"):
        fetch(course, HW, s)
    answer(course, "alice", extra={"cpts_answer": ALICE_PLOT})

    def bob_writes(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "explain_simpson":
                cell.source = BOB_ANSWER
    answer(course, "bob", "mistakes/naive.py", edit=bob_writes)
    for s in ("alice", "bob"):
        submit(course, HW, s)
    collect(course, HW)
    autograde(course, HW, show_progress=False)
    feedback(course, HW)
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build_course(tmp_path_factory.mktemp("feedback_ui"))


def feedback_page(course, student) -> Path:
    return course.course_dir / "feedback" / student / HW / f"{HW}.html"


# -- the page in a real browser -------------------------------------------

def _non_blank(png: bytes) -> tuple[float, int]:
    """(share of pixels that are not near-white, number of distinct colours)."""
    import numpy as np
    from PIL import Image
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    inked = int((pixels.min(axis=1) < 200).sum())
    return inked / len(pixels), len(np.unique(pixels, axis=0))


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`; ./run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the [test] extra installs playwright")
    with sync_api.sync_playwright() as pw:
        # Debian's build, not Playwright's download; no setuid sandbox when run as root in CI
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, path: Path, width=760):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("http*://**", lambda route: route.abort())  # offline: no CDN to fall back on
    page.goto(path.as_uri())
    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.isReady", timeout=60_000)
    page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
    return page


def test_feedback_page_shows_figures_math_and_labels_in_chromium(course, browser):
    page = open_page(browser, feedback_page(course, "alice"))
    # the student's own figure and the notebook's DAG are decoded PNG images
    figures = page.evaluate("""() => Array.from(document.querySelectorAll('div.output_png img'))
        .map(img => ({w: img.naturalWidth, h: img.naturalHeight,
                      code: img.closest('div.cell').querySelector('.input_area').innerText}))""")
    assert len(figures) == 3, figures  # DAG, the strata bar chart, alice's plot
    assert all(f["w"] > 100 and f["h"] > 100 for f in figures), figures
    assert any("alice's own figure" in f["code"] for f in figures)
    assert any("nx.draw_networkx" in f["code"] for f in figures)
    own = page.locator("div.cell", has_text="alice's own figure").locator("div.output_png img")
    inked, colours = _non_blank(own.screenshot())
    assert inked > 0.05 and colours > 8, (inked, colours)

    # math typeset by the installed MathJax (offline), with its Safe extension
    mj = page.evaluate("""() => ({root: MathJax.Ajax.config.root, safe: !!MathJax.Extension.Safe,
        typeset: document.querySelectorAll('span.MathJax, div.MathJax_Display').length,
        errors: document.querySelectorAll('.MathJax_Error, .merror').length,
        raw: document.body.innerText.includes('\\\\mid')})""")
    assert mj["root"].startswith("file://") and mj["safe"], mj
    assert mj["typeset"] >= 10 and mj["errors"] == 0 and not mj["raw"], mj
    formula = page.locator("div.MathJax_Display").first
    inked, colours = _non_blank(formula.screenshot())
    assert inked > 0.02 and colours > 2, (inked, colours)

    # a summary at the top: each question by its title, with its score
    summary = page.locator("#toc tbody tr").all_inner_texts()
    assert [s.split("\t")[0].strip() for s in summary] == [
        "Question 1: conditional probability tables", "Question 2: the ACE by back-door adjustment",
        "Question 3: check it with an intervention", "Question 4: the naive comparison",
        "Question 5: which promotion should the service use?", "Late submission penalty"]
    assert "2 / 2" in summary[0] and "Full marks" in summary[0]
    assert "– / 2" in summary[4] and "TA" in summary[4]
    assert "−1.8" in summary[5]  # 20% of 9 points: two started days late
    heading = page.locator("h4").first.inner_text()
    assert "7.2 / 11 points" in heading and "late penalty" in heading
    labels = page.locator(".course-label").all_inner_texts()
    assert labels[0].startswith("Question 1: conditional probability tables")
    assert "Test cell" not in page.inner_text("body")
    shot = page.locator("#toc").screenshot()
    assert _non_blank(shot)[0] > 0.01
    page.close()


def test_what_to_look_at_and_every_message_fit_on_a_narrow_page(course, browser):
    page = open_page(browser, feedback_page(course, "bob"), width=640)
    rows = page.locator("#toc tbody tr").all_inner_texts()
    ace = next(r for r in rows if r.startswith("Question 2"))
    assert "0 / 3" in ace and "✘" in ace and "without adjusting for happiness" in ace  # named, in full
    # no message is cut off: every line of ours fits inside its box and the page
    cut = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.course-grader li, #toc td')).filter(el => {
        const box = el.getBoundingClientRect(), area = el.closest('div.output_subarea, #toc');
        return el.scrollWidth > el.clientWidth + 1 ||
               box.right > area.getBoundingClientRect().right + 1 ||
               box.right > document.documentElement.clientWidth;
    }).map(el => el.innerText)""")
    assert cut == []
    assert page.evaluate("() => document.querySelectorAll('.course-grader li').length") >= 8
    # bob's own math, in his written answer, is typeset too
    answer = page.locator("div.cell", has_text="Promotion 1 looks better overall")
    assert answer.locator("span.MathJax").count() == 1
    assert "not graded yet" in answer.locator(".panel-heading").inner_text()
    page.close()


# -- formgrader ------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Formgrader:
    def __init__(self, port, token):
        self.base, self.token = f"http://127.0.0.1:{port}", token

    def request(self, path, method="GET", body=None):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, resp.read().decode()

    def json(self, path, method="GET", body=None):
        return json.loads(self.request(path, method, body)[1])


@pytest.fixture(scope="module")
def formgrader(course):
    """Jupyter Lab with nbgrader's formgrader, started the way `course formgrader`
    does (in the course folder, on 127.0.0.1) with the generated config."""
    write_config(course)
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyter", *server_command(course, port)[1:],
            f"--IdentityProvider.token={token}"]
    log = open(course.course_dir.parent / "formgrader.log", "w")
    proc = subprocess.Popen(argv, cwd=course.course_dir, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "JUPYTER_NO_CONFIG": ""})
    fg = Formgrader(port, token)
    try:
        for _ in range(240):
            try:
                fg.request("/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, (course.course_dir.parent / "formgrader.log").read_text()
                time.sleep(0.5)
        else:
            pytest.fail("formgrader did not start within 2 minutes")
        yield fg
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_the_generated_config_is_what_formgrader_reads(course, formgrader):
    text = (course.course_dir / "nbgrader_config.py").read_text()
    assert text.startswith("# Generated from") and str(course.source) in text


def test_formgrader_serves_the_gradebook_with_our_scores(course, formgrader):
    status, page = formgrader.request(f"/formgrader/gradebook/{HW}/{HW}")
    assert status == 200 and "Manual Grading" in page and HW in page
    subs = {s["student"]: s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{HW}/{HW}")}
    assert sorted(subs) == ["alice", "bob"]
    _, data = rows(course, HW)
    for row in data:  # formgrader's score is our export's total, before the late penalty
        assert subs[row["student_id"]]["score"] == pytest.approx(row["total"])
        assert row["final"] == pytest.approx(row["total"] - row["late_penalty"])
        assert row["late_penalty"] > 0
    assert subs["alice"]["score"] == pytest.approx(9.0) and subs["alice"]["needs_manual_grade"]


def test_the_grading_page_shows_the_rubric_and_no_student_script(course, formgrader):
    sub = next(s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{HW}/{HW}")
               if s["student"] == "bob")
    status, page = formgrader.request(f"/formgrader/submissions/{sub['id']}/")
    assert status == 200
    assert "For the grader: from the solution file" in page and "Rubric (2 points, TA only)" in page
    assert "Promotion 1 looks better overall" in page
    assert "PWNED" not in page and "onerror" not in page
    # math from the copy the server itself serves (works offline), never the CDN
    assert "/static/jupyter_server_mathjax/MathJax.js" in page and "cdnjs" not in page
    status, script = formgrader.request("/static/jupyter_server_mathjax/MathJax.js")
    assert status == 200 and "MathJax" in script


def test_a_manual_grade_entered_in_formgrader_reaches_the_export(course, formgrader):
    sub = next(s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{HW}/{HW}")
               if s["student"] == "bob")
    grade = next(g for g in formgrader.json(f"/formgrader/api/grades?submission_id={sub['id']}")
                 if g["name"] == "explain_simpson")
    formgrader.json(f"/formgrader/api/grade/{grade['id']}", "PUT", {**grade, "manual_score": 1.0})
    row = next(r for r in rows(course, HW)[1] if r["student_id"] == "bob")
    assert row["explain_simpson"] == 1.0 and "manual" not in row["status"]
    after = next(s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{HW}/{HW}")
                 if s["student"] == "bob")
    assert after["score"] == pytest.approx(row["total"]) == pytest.approx(sub["score"] + 1.0)


@pytest.mark.parametrize("action, path, command", [
    ("Generate", f"/formgrader/api/assignment/{HW}/assign", "course release"),
    ("Release", f"/formgrader/api/assignment/{HW}/release", "course release"),
    ("Unrelease", f"/formgrader/api/assignment/{HW}/unrelease", "course release"),
    ("Collect", f"/formgrader/api/assignment/{HW}/collect", "course collect"),
    ("Autograde", f"/formgrader/api/submission/{HW}/alice/autograde", "course autograde"),
    ("Generate feedback", f"/formgrader/api/assignment/{HW}/generate_feedback", "course feedback"),
    ("Release feedback", f"/formgrader/api/assignment/{HW}/release_feedback",
     "course release-feedback"),
    ("Generate feedback", f"/formgrader/api/assignment/{HW}/alice/generate_feedback", "course feedback"),
])
def test_formgrader_refuses_steps_that_bypass_our_checks(course, formgrader, action, path, command):
    # what each step would replace or delete (nbgrader removes its old output first)
    kept = [course.exchange / course.id / "outbound" / HW / f"{HW}.ipynb",
            course.course_dir / "release" / HW / f"{HW}.ipynb",
            course.course_dir / "autograded" / "alice" / HW / f"{HW}.ipynb",
            course.course_dir / "autograded" / "alice" / HW / "grading.json",
            feedback_page(course, "alice")]
    before = [p.read_bytes() for p in kept]
    result = formgrader.json(path, "POST", {})
    assert result["success"] is False
    said = (result.get("error") or "") + (result.get("log") or "")
    # what the TA reads in formgrader's error box: the refusal, one line, no traceback
    assert f"{action} is switched off" in said and f"`{command} HW`" in said, said[-1500:]
    assert "\n" not in said.strip() and "Traceback" not in said, said
    assert [p.read_bytes() for p in kept] == before


def test_figures_count_in_the_output_budget():
    """A PNG is output like any other: its bytes count against the cell's limit,
    so a loop of figures is cut like a loop of prints (no kernel needed)."""
    import base64
    import nbformat
    from autograder.engine.execution import LimitedClient
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    client = LimitedClient(nb)
    client.reset_execution_trackers()  # what nbclient does before running a notebook and a cell
    client.clear_before_next_output = False
    client.max_output = 2**20
    png = base64.b64encode(os.urandom(400_000)).decode()  # ~530 kB as sent by the kernel
    msg = {"msg_type": "display_data", "header": {"msg_type": "display_data"}, "parent_header": {},
           "content": {"data": {"image/png": png, "text/plain": "<Figure>"}, "metadata": {}}}
    outs = []
    for _ in range(4):
        client.output(outs, msg, None, 0)
    figures = [o for o in outs if "image/png" in o.get("data", {})]
    assert len(figures) == 1 and client.truncated == [0]
    assert "output cut here" in outs[-1]["text"]


def test_labels_come_from_the_section_headings_of_the_source_notebook():
    import nbformat
    from autograder.steps.summary import question_labels
    v4 = nbformat.v4

    def graded(gid, kind="code"):
        cell = v4.new_code_cell("") if kind == "code" else v4.new_markdown_cell("")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "points": 1,
                                     "solution": kind == "markdown"}
        return cell
    nb = v4.new_notebook(cells=[
        graded("test_before_any_heading"),
        v4.new_markdown_cell("# Homework\n\n## Question 1: **d-separation** (3 points)\n\ntext"),
        graded("test_sets"), v4.new_code_cell("x = 1"), graded("test_minimal"),
        v4.new_markdown_cell("### Question 2: why? (2 points, graded by a TA) ###"),
        graded("explain", "markdown")])
    assert question_labels(nb) == {
        "test_before_any_heading": "test_before_any_heading",
        "test_sets": "Question 1: d-separation (part 1 of 2)",
        "test_minimal": "Question 1: d-separation (part 2 of 2)",
        "explain": "Question 2: why?"}


def test_an_override_explains_itself_on_the_page_in_the_summary_and_in_the_export(course, formgrader):
    """A TA gives alice 1.5 of 3 on an autograded question and says why beside her
    answer (formgrader's API, as its buttons do); the regenerated page shows the
    TA's words instead of the autograder's verdict, and the export notes the change."""
    from autograder.pipeline.feedback import generate
    sub = next(s for s in formgrader.json(f"/formgrader/api/submitted_notebooks/{HW}/{HW}")
               if s["student"] == "alice")
    grade = next(g for g in formgrader.json(f"/formgrader/api/grades?submission_id={sub['id']}")
                 if g["name"] == "test_do")
    assert grade["auto_score"] == 3.0
    formgrader.json(f"/formgrader/api/grade/{grade['id']}", "PUT", {**grade, "manual_score": 1.5})
    comment = next(c for c in formgrader.json(f"/formgrader/api/comments?submission_id={sub['id']}")
                   if c["name"] == "do_answer")
    words = "do_ace ignores num_samples <and> always draws 100 samples"
    formgrader.json(f"/formgrader/api/comment/{comment['id']}", "PUT", {**comment, "manual_comment": words})
    generate(course, HW)
    import re
    page = feedback_page(course, "alice").read_text()
    escaped = words.replace("<", "&lt;").replace(">", "&gt;")
    row = re.search(r"<tr class=\"course-\w+\">\s*<td><a href=\"#test_do\">.*?</tr>", page, re.S).group(0)
    assert f"Adjusted by your TA: {escaped}" in row and "1.5 / 3" in row and "✔" not in row
    cell = page[page.index('<a name="test_do">'):]
    cell = cell[:cell.index('<a name="', 10)]
    assert f"Adjusted by your TA</strong>: {escaped}" in cell
    assert "The autograder gave 3 / 3; your TA set 1.5 / 3" in cell
    assert "✔" not in cell and "Out[" not in cell and "3.0" not in cell  # no contradicting verdict
    row = next(r for r in rows(course, HW)[1] if r["student_id"] == "alice")
    assert row["test_do"] == 1.5 and "test_do adjusted by a TA from 3 to 1.5" in row["notes"]
