"""The course folder's layout, in one place: every path under the course folder and
the exchange is built here, as nbgrader builds its own with
`CourseDirectory.format_path` (and nbgrader is configured with these names).

    <course_dir>/
        source/<hw>/<notebook>.ipynb       the instructor's notebook, solutions in
        release/<hw>/<notebook>.ipynb      the student version nbgrader generated
        submitted/<student>/<hw>/          collected submissions (a team's under its id)
        autograded/<student>/<hw>/         nbgrader's graded notebook, and grading.json
        feedback/<student>/<hw>/           the feedback page
        engine/<hw>/<student>.json         the batch engine's saved executions
        engine/costs.json                  each homework's recent execution times (longest first)
        collect/<hw>.json                  why a student's newest submission was refused
        collect/<hw>.teams.json            each team's members when its work was collected
        regrades/<hw>.json                 students' regrade requests and the TA's answers
        exports/  stats/<hw>/  similarity/<hw>/  calibration/   what a TA or instructor asked for
        students/<student>/                a (simulated) student's workspace and nbgrader cache
                                           (a team's shared folder under the team's id)
        gradebook.db  nbgrader_config.py
    <exchange>/<course_id>/inbound/  outbound/<hw>/  feedback/   nbgrader's exchange

tests/test_layout.py fails when any other module spells one of these names in a
path, so moving a folder is a change to this file only.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# nbgrader's steps, then our own folders and files
SOURCE, RELEASE, SUBMITTED, AUTOGRADED, FEEDBACK = (
    "source", "release", "submitted", "autograded", "feedback")
ENGINE, COLLECT, EXPORTS, STATS, CALIBRATION, STUDENTS, REGRADES, SIMILARITY = (
    "engine", "collect", "exports", "stats", "calibration", "students", "regrades", "similarity")
GRADEBOOK, REPORT, NBGRADER_CONFIG = "gradebook.db", "grading.json", "nbgrader_config.py"
COSTS = "costs.json"
# the exchange (names fixed by nbgrader's exchange classes) and a student's side of it
EXCHANGE, INBOUND, OUTBOUND = "exchange", "inbound", "outbound"
NBGRADER_CACHE = ".nbgrader-cache"
FETCHED_FEEDBACK = "feedback"  # inside a student's assignment folder; never collected

# every name above: no other module of the package may put one in a path
NAMES = (SOURCE, RELEASE, SUBMITTED, AUTOGRADED, FEEDBACK, ENGINE, COLLECT, EXPORTS, STATS,
         CALIBRATION, STUDENTS, REGRADES, SIMILARITY, GRADEBOOK, REPORT, NBGRADER_CONFIG, EXCHANGE, INBOUND,
         OUTBOUND, NBGRADER_CACHE, FETCHED_FEEDBACK, COSTS)


def course_exchange(exchange: Path, course_id: str) -> Path:
    """One course's folder in an exchange (a student's side knows only these two)."""
    return Path(exchange) / course_id


def default_exchange(course_dir: Path) -> Path:
    """The exchange when course.yml names none: inside the course folder."""
    return Path(course_dir) / EXCHANGE


@dataclass(frozen=True)
class CourseDirs:
    """Every path of one course's state (`Course.dirs`). It builds paths (and lists
    who has a folder under one of nbgrader's steps); the steps that read or write
    them decide what to do when one is missing."""
    root: Path        # the course folder (course.yml `course_dir`)
    exchange: Path    # the exchange's root (course.yml `exchange`)
    course_id: str

    def _step(self, step: str, assignment_id: str, student_id: str | None = None) -> Path:
        """<step>/<student>/<assignment>, nbgrader's `directory_structure`; the
        instructor's steps have no student."""
        where = self.root / step
        return where / assignment_id if student_id is None else where / student_id / assignment_id

    # instructor's steps
    def source(self, assignment_id: str) -> Path:
        return self._step(SOURCE, assignment_id)

    def source_notebook(self, assignment_id: str, notebook_name: str) -> Path:
        """The instructor's notebook that release builds and grading reads."""
        return self.source(assignment_id) / f"{notebook_name}.ipynb"

    def release(self, assignment_id: str) -> Path:
        return self._step(RELEASE, assignment_id)

    def released_notebook(self, assignment_id: str, notebook_name: str) -> Path:
        """The student version nbgrader generated from the source notebook."""
        return self.release(assignment_id) / f"{notebook_name}.ipynb"

    # per submission: <step>/<student>/<assignment>
    def students_with(self, step: str, assignment_id: str) -> list[str]:
        """Students with a folder of the assignment under one of nbgrader's steps
        (SUBMITTED, AUTOGRADED, FEEDBACK)."""
        root = self.root / step
        return sorted(p.parent.name for p in root.glob(f"*/{assignment_id}") if p.is_dir())

    def submitted(self, assignment_id: str, student_id: str) -> Path:
        return self._step(SUBMITTED, assignment_id, student_id)

    def autograded(self, assignment_id: str, student_id: str) -> Path:
        return self._step(AUTOGRADED, assignment_id, student_id)

    def feedback(self, assignment_id: str, student_id: str) -> Path:
        return self._step(FEEDBACK, assignment_id, student_id)

    @property
    def feedback_root(self) -> Path:
        """Where nbgrader exports feedback: one folder per student."""
        return self.root / FEEDBACK

    def report(self, assignment_id: str, student_id: str) -> Path:
        """The grading report, next to the autograded notebook."""
        return self.autograded(assignment_id, student_id) / REPORT

    def engine_result(self, assignment_id: str, student_id: str) -> Path:
        """A submission's saved execution (jobs.ExecutionResult)."""
        return self.root / ENGINE / assignment_id / f"{student_id}.json"

    @property
    def execution_costs(self) -> Path:
        """Each homework's recent execution times (pipeline.costs.ExecutionCosts)."""
        return self.root / ENGINE / COSTS

    # the course's own records and outputs
    def collect_refusals(self, assignment_id: str) -> Path:
        return self.root / COLLECT / f"{assignment_id}.json"

    def team_record(self, assignment_id: str) -> Path:
        """The members of each team when its submission was collected (team work)."""
        return self.root / COLLECT / f"{assignment_id}.teams.json"

    def regrades(self, assignment_id: str) -> Path:
        """The regrade requests of an assignment, as the TA's side keeps them."""
        return self.root / REGRADES / f"{assignment_id}.json"

    def export_csv(self, assignment_id: str) -> Path:
        return self.root / EXPORTS / f"{assignment_id}.csv"

    def canvas_csv(self, assignment_ids: list[str]) -> Path:
        return self.root / EXPORTS / f"canvas_{'_'.join(assignment_ids)}.csv"

    def similarity(self, assignment_id: str) -> Path:
        """`course similarity`'s report folder."""
        return self.root / SIMILARITY / assignment_id

    def stats(self, assignment_id: str) -> Path:
        return self.root / STATS / assignment_id

    @property
    def calibration_doc(self) -> Path:
        """Where a trial `course calibrate` writes (never the repository's docs)."""
        return self.root / CALIBRATION / "calibration.md"

    @property
    def gradebook(self) -> Path:
        return self.root / GRADEBOOK

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"

    @property
    def nbgrader_config(self) -> Path:
        """The config file formgrader's Jupyter server reads (generated, never edited)."""
        return self.root / NBGRADER_CONFIG

    def nbgrader_settings(self) -> dict[str, str]:
        """nbgrader's CourseDirectory settings, so its layout is this one."""
        return {"root": str(self.root), "db_url": self.db_url,
                "directory_structure": "{nbgrader_step}/{student_id}/{assignment_id}",
                "source_directory": SOURCE, "release_directory": RELEASE,
                "submitted_directory": SUBMITTED, "autograded_directory": AUTOGRADED,
                "feedback_directory": FEEDBACK}

    # a (simulated) student's side
    def workspace(self, student_id: str) -> Path:
        """Where a student works; each has their own nbgrader cache, so fetched
        feedback can only ever be matched against their own submissions."""
        return self.root / STUDENTS / student_id

    def fetched(self, assignment_id: str, student_id: str) -> Path:
        """The student's copy of an assignment, where they answer and submit from."""
        return self.workspace(student_id) / assignment_id

    def fetched_feedback(self, assignment_id: str, student_id: str) -> Path:
        return self.fetched(assignment_id, student_id) / FETCHED_FEEDBACK

    def student_cache(self, student_id: str) -> Path:
        """The student's nbgrader cache: a copy of each of their submissions, in
        `<cache>/<course_id>/<student>+<assignment>+<timestamp>...` folders."""
        return self.workspace(student_id) / NBGRADER_CACHE

    def cached_submissions(self, student_id: str) -> Path:
        return self.student_cache(student_id) / self.course_id

    # the exchange: <exchange>/<course_id>/...
    @property
    def course_exchange(self) -> Path:
        return course_exchange(self.exchange, self.course_id)

    @property
    def inbound(self) -> Path:
        """Written by students (submissions), read by collect: nothing in it is trusted."""
        return self.course_exchange / INBOUND

    def outbound(self, assignment_id: str) -> Path:
        """The released student version."""
        return self.course_exchange / OUTBOUND / assignment_id

    @property
    def exchange_feedback(self) -> Path:
        return self.course_exchange / FEEDBACK
