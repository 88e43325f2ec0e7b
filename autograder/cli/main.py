"""`course`: a thin command line over the library. Each subcommand is one call."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from autograder.cli.output import console, print_gradebook, table
from autograder.course.config import load_course
from autograder.errors import CourseError

STUDENT_HELP = ("the student (default: you, the logged-in user; another student's id only "
                "for the instructor)")
TEAM_HELP = ("team work: the team you act for (default, with course.yml: your team; "
             "a student on their own account names it)")
# commands a student runs: without course.yml they read nbgrader's student configuration
STUDENT_COMMANDS = ("fetch", "submit", "validate", "fetch-feedback", "status", "list",
                    "regrade-request")

# ---------------------------------------------------------------- commands
def cmd_release(course, args):
    from autograder.pipeline.release import release
    for hw in args.assignments:
        release(course, hw, progress=lambda text: console.print(text, highlight=False))
        console.print(f"released {hw}: student version checked (no solutions, no hidden checks)")


def cmd_check_solutions(course, args):
    from autograder.pipeline.reference import check_solution
    ids = args.assignments or list(course.assignments)
    failures = 0
    for hw in ids:
        console.print(f"running the reference solution of {hw} in a sandbox (the notebook's "
                      "imports come first, then each checked cell)", highlight=False)
        res = check_solution(course, hw, args.seed, progress=lambda gid, done, total: console.print(
            f"  {gid} ran ({done} of {total})", highlight=False))
        rows = [(r.grade_id, f"{r.points:g}/{r.max_points:g}", r.status, " ".join(r.messages))
                for r in res.results]
        console.print(table(f"{hw} (seed {res.seed})", ["question", "points", "status", "messages"], rows))
        if res.stopped:
            console.print(f"[red]execution stopped: {res.stopped}")
        failures += not res.ok
    if failures:
        raise CourseError(f"{failures} reference solution(s) did not pass every hidden check")


def cmd_fetch(course, args):
    from autograder.pipeline.student import fetch_as
    side = student_side(course, args)
    path = fetch_as(side, args.assignment, args.team)
    team = (course.team_of(side.student) if course is not None
            and course.assignment(args.assignment).group else None)
    console.print(f"fetched into {path}" + (f" (team {team.id}'s shared folder: each member "
                                            "works and submits there)" if team else ""))


def cmd_validate(course, args):
    from autograder.pipeline.student import validate
    console.print(f"running {args.notebook} in a sandbox with its visible checks; each result "
                  "shows as its cell finishes (the notebook's imports run first)", highlight=False)
    with console.status(f"running {args.notebook} with its visible checks") as status:
        def progress(label, error, done, total):
            # each result is printed as soon as its cell has run
            if error:
                console.print(f"[red]✘ {label}: {error}", highlight=False)
            else:
                console.print(f"[green]✔ {label}", highlight=False)
            status.update(f"running {args.notebook}: {done} of {total} checks done")
        report = validate(course, Path(args.notebook), progress=progress)
    for p in report.problems:
        console.print(f"[red]✘ {p}", highlight=False)
    if not report.ok:
        raise CourseError("validation found problems; fix them before you submit")
    console.print("all visible checks pass (hidden checks run when your notebook is graded)")


def cmd_submit(course, args):
    from autograder.pipeline.student import submit_as
    receipt = submit_as(student_side(course, args), args.assignment, args.team)
    for line in receipt.lines():
        console.print(line, highlight=False)


def cmd_fetch_feedback(course, args):
    from autograder.pipeline.student import fetch_feedback_as
    for path in fetch_feedback_as(student_side(course, args), args.assignment, args.team):
        console.print(str(path))


def student_side(course, args):
    """The student's side: from course.yml on the instructor's machine, else from
    nbgrader's student configuration (the logged-in user; docs/cli.md, "Students")."""
    from autograder.steps.student_side import for_course, from_nbgrader_config
    return for_course(course, args.student) if course is not None else from_nbgrader_config(args.student)


def cmd_status(course, args):
    from autograder.pipeline.student_status import status
    side = student_side(course, args)
    found = status(side, args.assignment, args.team)
    console.print(f"{side.student} in {side.course_id}:", highlight=False)
    if not found:
        console.print(f"  {args.assignment} is not released yet" if args.assignment
                      else "  nothing is released yet", highlight=False)
    for st in found:
        for line in st.lines():
            console.print(line, highlight=False)


def cmd_regrade_request(course, args):
    from autograder.pipeline.regrade_request import file_request
    side = student_side(course, args)
    req = file_request(side, args.assignment, args.question, args.why, args.team)
    console.print(f"regrade request on {req.assignment} {req.question} filed for {req.student} at "
                  f"{req.filed[:19].replace('T', ' ')} UTC; your TA's answer shows in "
                  f"`course status {req.assignment}` and on your feedback page", highlight=False)


def cmd_regrades(course, args):
    from autograder.pipeline import regrades
    acting = args.reply is not None or args.resolve or args.score is not None or args.reopen
    if acting and args.id is None:
        raise CourseError("name the request to answer or resolve with --id N "
                          f"(`course regrades {args.assignment}` lists them)")
    if args.reopen:
        regrades.reopen(course, args.assignment, args.id, args.by)
    elif args.resolve or args.score is not None:
        regrades.resolve(course, args.assignment, args.id, args.by, args.reply, args.score)
    elif args.reply is not None:
        regrades.answer(course, args.assignment, args.id, args.reply, args.by)
    book = regrades.sync(course, args.assignment)
    shown = [book.get(args.id)] if args.id is not None else book.requests
    console.print(f"{args.assignment}: {len(book.requests)} regrade request(s), "
                  f"{sum(regrades.is_open(r) for r in book.requests)} open", highlight=False)
    if shown:
        console.print(table(None, ["#", "student", "question", "status", "filed", "why", "answer", "outcome"],
                            [(r.number, r.student, r.question, r.status, r.filed[:16].replace("T", " "),
                              r.why, r.answer, r.outcome) for r in shown]))
    if args.history:
        for r in shown:
            for e in r.history:
                console.print(f"  #{r.number} {e.when[:19].replace('T', ' ')} {e.who} {e.action}: "
                              f"{e.before or '-'} -> {e.after}", highlight=False)
    for name, why in book.refused.items():
        console.print(f"[yellow]not taken: {name}: {why}", highlight=False)


def cmd_student_config(course, args):
    from autograder.steps.student_side import config_file
    text = config_file(course)
    if not args.output:
        console.print(text, highlight=False, markup=False, end="")
        return
    Path(args.output).write_text(text)
    console.print(f"wrote {args.output}: students' `course` commands and nbgrader's assignment "
                  "list read it (docs/students.md)", highlight=False)


def warn_team_changes(course, assignment_ids) -> None:
    """What changed in course.yml's teams since their submissions were collected."""
    from autograder.pipeline.teamwork import changes
    for hw in assignment_ids:
        for line in changes(course, course.assignment(hw)):
            console.print(f"[yellow]warning: {line}", highlight=False)


def cmd_collect(course, args):
    from autograder.pipeline.collect import collect
    result = collect(course, args.assignment)
    group = course.assignment(args.assignment).group
    console.print(f"collected {len(result.collected)} new submission(s) of {args.assignment}"
                  + (f"; {len(result.unchanged)} unchanged" if result.unchanged else ""))
    for s, notes in result.notes.items():
        for note in notes:
            console.print(f"[yellow]{s}: {note}")
    for s, why in result.refused.items():
        console.print(f"[red]{s}: {why}")
    for s in result.unknown:
        who = (f"'{s}', which is not a team in course.yml ({args.assignment} is team work)"
               if group else f"'{s}', who is not on the roster")
        console.print(f"[yellow]warning: submission from {who}; left in the exchange")
    warn_team_changes(course, [args.assignment])
    if result.collected:
        console.print(f"next: `course autograde {args.assignment}`", highlight=False)


def cmd_autograde(course, args):
    from collections import defaultdict
    from autograder.pipeline.autograde import autograde_batch
    done = autograde_batch(course, args.assignments, args.student or None, workers=args.workers,
                           dask_scheduler=args.dask_scheduler, regrade=args.regrade)
    skipped = sum(d.skipped for d in done)
    ok = sum(d.status == "ok" for d in done)
    console.print(f"summary: {len(done)} submission(s), {ok} ok, {len(done) - ok} with problems"
                  + (f"; {skipped} already graded by an earlier run (--regrade to redo)" if skipped else ""))
    by_reason = defaultdict(list)
    for d in done:
        if d.status != "ok":
            who = d.student if len(args.assignments) == 1 else f"{d.student} ({d.assignment})"
            by_reason[(d.status, d.reason)].append(who)
    for (status, reason), who in sorted(by_reason.items()):
        console.print(f"  {status}: {reason or 'see the report'} — {', '.join(who)}", highlight=False)
    for hw in args.assignments:
        print_class_summary(course, hw)


def cmd_feedback(course, args):
    from autograder.pipeline.feedback import generate
    hw = args.assignment
    console.print(f"generating the feedback pages of {hw}", highlight=False)
    done = generate(course, hw, progress=lambda student, n, total: console.print(
        f"  {student} ({n} of {total})", highlight=False))
    for student, why in done.failed.items():
        console.print(f"[yellow]{student}: no page: {why}", highlight=False)
    folder = done.pages[0].parents[2] if done.pages else course.course_dir
    console.print(f"generated {len(done.pages)} page(s) under {folder}; students see them once you "
                  f"run `course release-feedback {hw}`", highlight=False)


def cmd_release_feedback(course, args):
    from autograder.pipeline.feedback import release
    released = release(course, args.assignment, force=args.force)
    console.print(f"released the feedback on {args.assignment} to {len(released)} student(s); they "
                  f"fetch it with `course fetch-feedback {args.assignment}`", highlight=False)


def cmd_export(course, args):
    from autograder.course.state import graded_students
    from autograder.pipeline.export import export_canvas, export_csv, project_rows
    from autograder.pipeline.readiness import export_warnings, require_autograded, require_in_gradebook
    milestones = [m for hw in args.assignments
                  for m in (course.project(hw).milestones if hw in course.projects else [hw])]
    for hw in milestones:
        require_in_gradebook(course, hw)
    for hw in args.assignments:  # never an all-blank file
        parts = course.project(hw).milestones if hw in course.projects else [hw]
        if not any(graded_students(course, m) for m in parts):
            require_autograded(course, parts[0], "export")
    warnings = [w for hw in milestones for w in export_warnings(course, hw)]
    if args.format == "canvas":
        path, more = export_canvas(course, args.assignments, args.output)
        warnings += more
        console.print(f"wrote {path} (Canvas gradebook import: Grades > Import)")
    else:
        if args.output and len(args.assignments) > 1:
            raise CourseError("--output names one file; export one homework at a time with it")
        for hw in args.assignments:
            console.print(f"wrote {export_csv(course, hw, args.output)}")
            if hw in course.projects:
                header, data = project_rows(course, hw)
                console.print(table(f"Project {hw}: the sum of its milestones", header,
                                    [[r[h] for h in header] for r in data]))
            else:
                print_gradebook(course, hw)
    for w in warnings:
        console.print(f"[yellow]warning: {w}", highlight=False)
    warn_team_changes(course, milestones)


def cmd_gradebook(course, args):
    print_gradebook(course, args.assignment)
    warn_team_changes(course, [args.assignment])


def cmd_teams(course, args):
    if args.random is not None:
        from autograder.authoring.course_text import write_random_teams
        if args.seed is None:
            raise CourseError("--random needs --seed S, so that the same draw can be made again")
        course, drawn = write_random_teams(course, args.random, args.seed, args.replace)
        console.print(f"wrote {len(drawn)} teams into {course.source.name} (comments kept); "
                      "edit them there as you like:", highlight=False)
    elif not course.teams:
        console.print("course.yml has no teams yet; draw some with "
                      "`course teams --random 3 --seed 1`, or list them under `teams:` "
                      "(docs/projects.md)", highlight=False)
        return
    console.print(table(f"teams ({course.team_size.describe()} members each)",
                        ["team", "members", "size"],
                        [(t.id, ", ".join(t.members), len(t.members)) for t in course.teams.values()]))
    alone = [s.id for s in course.roster if course.team_of(s.id) is None]
    if alone:
        console.print(f"in no team: {', '.join(alone)}", highlight=False)
    group = [a.id for a in course.assignments.values() if a.group]
    console.print(f"team work: {', '.join(group) or 'none yet (mark assignments `group: true`)'}",
                  highlight=False)
    warn_team_changes(course, group)


def print_class_summary(course, assignment_id, top: int = 3) -> None:
    """The one-screen summary that ends `course autograde` (`course stats` has it all)."""
    from autograder.pipeline.stats import class_stats, question_table, summary_line
    st = class_stats(course, assignment_id)
    console.print(summary_line(st), highlight=False)
    if not st.totals:
        return
    header, body = question_table(st)
    console.print(table(None, header, body))
    for (gid, msg), n in st.failures.most_common(top):
        console.print(f"  {n}× {gid}: {msg}", highlight=False)
    console.print(f"full report: `course stats {assignment_id}`", highlight=False)


def cmd_stats(course, args):
    from autograder.pipeline.stats import class_stats, question_table, summary_line, write_report
    st = class_stats(course, args.assignment)
    if not st.totals:
        raise CourseError(f"no graded submission of '{args.assignment}' yet, so no statistics; "
                          f"run `course collect {args.assignment}` and "
                          f"`course autograde {args.assignment}` first")
    console.print(summary_line(st), highlight=False)
    header, body = question_table(st)
    console.print(table(f"{args.assignment}: per question", header, body))
    if st.failures:
        console.print(table("commonest failure messages", ["question", "message", "students"],
                             [(g, m, n) for (g, m), n in st.failures.most_common(args.top)]))
    if st.misconceptions:
        console.print(table("commonest misconceptions", ["question", "misconception", "students"],
                             [(g, m, n) for (g, m), n in st.misconceptions.most_common(args.top)]))
    folder = Path(args.output) if args.output else course.dirs.stats(args.assignment)
    paths = write_report(st, folder, top=args.top)
    console.print(f"wrote {', '.join(str(p) for p in paths)}", highlight=False)


def cmd_similarity(course, args):
    from autograder.pipeline.similarity import THRESHOLD, similarity, write_report
    threshold = THRESHOLD if args.threshold is None else args.threshold
    console.print(f"fingerprinting the collected answers of {args.assignment}", highlight=False)
    report = similarity(course, args.assignment, threshold)
    console.print(f"{len(report.compared)} submission(s) of {args.assignment} compared; "
                  f"{len(report.pairs)} pair(s) share {threshold:.0%} or more of a student's own "
                  "answers", highlight=False)
    if report.pairs:
        console.print(table("pairs to read (a lead, not a verdict)", ["students", "similarity", "in"],
                            [(" – ".join(p.students), f"{p.similarity:.0%}",
                              ", ".join(m.kind for m in p.matches)) for p in report.pairs]))
    for student, why in report.skipped.items():
        console.print(f"[yellow]{student}: not compared: {why}", highlight=False)
    folder = Path(args.output) if args.output else course.dirs.similarity(args.assignment)
    console.print(f"wrote {write_report(report, folder)} (shared lines side by side)", highlight=False)


def cmd_calibrate(course, args):
    from autograder.pipeline.calibrate import calibrate, docs_doc, load_wrong_answers
    unregistered = {}
    for path in args.unregistered or ():
        unregistered.update(load_wrong_answers(Path(path)))
    calibrate(course, args.assignment, runs=args.runs, wrong_runs=args.wrong_runs,
              doc=docs_doc(course) if args.write_docs else None, unregistered=unregistered)


def cmd_certify(course, args):
    from autograder.pipeline.calibrate import docs_doc, scratch_doc
    from autograder.pipeline.certify import certify
    certify(course, args.assignment, runs=args.runs, per_kernel=args.per_kernel,
            doc=docs_doc(course) if args.write_docs else scratch_doc(course))


def cmd_calibrate_gates(course, args):
    from autograder.pipeline.calibrate import calibrate_rhat_gates, docs_doc, scratch_doc
    doc = docs_doc(course) if args.write_docs else scratch_doc(course)
    with console.status("simulating correct samplers"):
        console.print(calibrate_rhat_gates(doc, args.sims))
    console.print(f"wrote {doc}", highlight=False)


def cmd_formgrader(course, args):
    import os
    from autograder.pipeline.formgrader import server_command, write_config
    path = write_config(course)
    argv = server_command(course, args.port)
    console.print(f"wrote {path}; formgrader for manual grading (docs/grading.md) starts with\n"
                  f"  cd {course.course_dir} && {' '.join(argv)}\n"
                  "then open the URL Jupyter prints and choose Nbgrader > Formgrader", highlight=False)
    if args.write_only:
        return
    os.chdir(course.course_dir)  # nbgrader reads nbgrader_config.py from the folder it starts in
    os.execvp(argv[0], argv)


def cmd_new(course, args):
    from autograder.authoring.scaffold import new_homework, next_steps
    for path in new_homework(course, args.assignment, args.title, args.team, args.project):
        console.print(f"wrote {path.relative_to(course.repo)}", highlight=False)
    console.print("next (docs/authoring.md):", highlight=False)
    for step in next_steps(args.assignment):
        console.print(f"  {step}", highlight=False)


def cmd_demo(course, args):
    from autograder.cli.demo import run_demo
    run_demo(course, Path(args.dir) if args.dir else None)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="course", description=__doc__)
    p.add_argument("--config", help="course configuration (default: course.yml; a student without "
                   "one uses nbgrader's student configuration)")
    p.add_argument("--course-dir", help="override where course state lives")
    p.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_, aliases=()):
        sp = sub.add_parser(name, help=help_, aliases=list(aliases))
        sp.set_defaults(func=func)
        return sp

    sp = add("new", cmd_new, "instructor: start a homework from a worked example "
             "(notebook, solution, hidden checks, course.yml entry)")
    sp.add_argument("assignment", metavar="HW", help="the new homework's id (a Python identifier)")
    sp.add_argument("--title", help="its title (default: from the id)")
    sp.add_argument("--team", action="store_true", help="team work (`group: true`): one "
                    "submission and one grade per team")
    sp.add_argument("--project", metavar="P", help="add it as a milestone of project P "
                    "(a new project if course.yml has none of that id)")
    add("release", cmd_release, "instructor: build, check and release homework").add_argument(
        "assignments", nargs="+", metavar="HW", help="the homework(s) to release, by their course.yml id")
    sp = add("check-solutions", cmd_check_solutions, "instructor: run reference solutions through hidden checks")
    sp.add_argument("assignments", nargs="*", metavar="HW", help="the homework(s) to check (default: all)")
    sp.add_argument("--seed", type=int, help="the grading seed (default: a fixed one per homework)")
    sp = add("student-config", cmd_student_config, "instructor: the nbgrader_config.py students need "
             "on a shared machine or hub (exchange, course id)")
    sp.add_argument("--output", help="write it to this file (default: print it)")
    sp = add("status", cmd_status, "student: released homework, due dates, your submissions, "
             "lateness, feedback and regrade answers", aliases=["list"])
    sp.add_argument("assignment", metavar="HW", nargs="?", help="only this homework (default: all released)")
    sp.add_argument("--student", help=STUDENT_HELP)
    sp.add_argument("--team", help=TEAM_HELP)
    sp = add("regrade-request", cmd_regrade_request, "student: ask for one question to be graded again")
    sp.add_argument("assignment", metavar="HW", help="the homework")
    sp.add_argument("--question", required=True, help="the question's id, e.g. test_do (`course status` "
                    "and your feedback page name them)")
    sp.add_argument("--why", required=True, help="what you think was graded wrongly, and where to look")
    sp.add_argument("--student", help=STUDENT_HELP)
    sp.add_argument("--team", help=TEAM_HELP)
    sp = add("regrades", cmd_regrades, "TA: list, answer and resolve regrade requests, with an audit trail")
    sp.add_argument("assignment", metavar="HW", help="the homework")
    sp.add_argument("--id", type=int, metavar="N", help="the request to show or act on")
    sp.add_argument("--reply", metavar="TEXT", help="your answer to the student (shown to them at once)")
    sp.add_argument("--resolve", action="store_true", help="close the request (with --score: a new score)")
    sp.add_argument("--score", type=float, help="the question's new score; resolves the request and "
                    "sets it in the gradebook as a manual score")
    sp.add_argument("--reopen", action="store_true", help="reopen a resolved request")
    sp.add_argument("--history", action="store_true", help="print each request's audit trail "
                    "(who, when, before, after)")
    sp.add_argument("--by", metavar="NAME", help="who acts, for the audit trail (default: the logged-in user)")
    for name, func, help_ in [("fetch", cmd_fetch, "student: fetch released homework"),
                              ("submit", cmd_submit, "student: submit homework"),
                              ("fetch-feedback", cmd_fetch_feedback, "student: fetch your feedback")]:
        sp = add(name, func, help_)
        sp.add_argument("assignment", metavar="HW", help="the homework, by its id (`course status` lists them)")
        sp.add_argument("--student", help=STUDENT_HELP)
        sp.add_argument("--team", help=TEAM_HELP)
    add("validate", cmd_validate, "student: run the visible checks on a notebook").add_argument(
        "notebook", help="the notebook file (a fetched homework, or any copy of it)")
    add("collect", cmd_collect, "TA: collect submissions").add_argument(
        "assignment", metavar="HW", help="the homework whose submissions to collect from the exchange")
    sp = add("autograde", cmd_autograde, "TA: autograde collected submissions (several HWs share one pool)")
    sp.add_argument("assignments", metavar="HW", nargs="+", help="the homework(s) to grade")
    sp.add_argument("--student", action="append", help="only this student (repeatable)")
    sp.add_argument("--workers", type=int, help="local grading processes (default: course.yml "
                    "`workers`, else one per CPU core; 0 = in this process)")
    sp.add_argument("--dask-scheduler", metavar="ADDRESS",
                    help="grade on this Dask cluster, e.g. tcp://10.0.0.5:8786 (or course.yml `dask_scheduler`)")
    sp.add_argument("--regrade", action="store_true",
                    help="grade again even submissions already graded with the same checks")
    add("feedback", cmd_feedback, "TA: generate feedback pages (students cannot see them yet)").add_argument(
        "assignment", metavar="HW", help="the homework whose autograded submissions get pages")
    sp = add("release-feedback", cmd_release_feedback, "TA: release the generated feedback to the students")
    sp.add_argument("assignment", metavar="HW", help="the homework")
    sp.add_argument("--force", action="store_true", help="release even while manual grading is pending")
    sp = add("export", cmd_export, "TA: export grades as CSV (ours, or Canvas's gradebook import)")
    sp.add_argument("assignments", metavar="HW", nargs="+",
                    help="assignment ids; a project's id exports the sum of its milestones")
    sp.add_argument("--format", choices=["csv", "canvas"], default="csv",
                    help="csv: one file per homework with per-question scores and status (default); "
                         "canvas: one file for Canvas's gradebook import, a column per homework")
    sp.add_argument("--output", help="the file to write (default: <course_dir>/exports/HW.csv, "
                    "or canvas_HW.csv)")
    sp = add("teams", cmd_teams, "instructor: list the teams, or draw them at random into course.yml")
    sp.add_argument("--random", type=int, metavar="SIZE", help="draw teams of about SIZE from "
                    "the roster and write them into course.yml (comments kept)")
    sp.add_argument("--seed", type=int, metavar="S", help="the draw's seed (the same seed, the same teams)")
    sp.add_argument("--replace", action="store_true", help="replace the teams course.yml lists")
    add("gradebook", cmd_gradebook, "print the gradebook of one homework").add_argument(
        "assignment", metavar="HW", help="the homework")
    sp = add("stats", cmd_stats, "TA: class statistics of one homework, printed and as a report")
    sp.add_argument("assignment", metavar="HW", help="the homework")
    sp.add_argument("--output", help="report folder (default: <course_dir>/stats/HW)")
    sp.add_argument("--top", type=int, default=10, help="failure messages listed (default 10)")
    sp = add("similarity", cmd_similarity, "TA: pairs of submissions whose own answers are "
             "alike, with the shared lines side by side in an HTML page")
    sp.add_argument("assignment", metavar="HW", help="the homework whose collected submissions to compare")
    sp.add_argument("--threshold", type=float, help="share of a student's own answers found in "
                    "the other's that flags a pair (default 0.5)")
    sp.add_argument("--output", help="report folder (default: <course_dir>/similarity/HW)")
    sp = add("calibrate", cmd_calibrate, "instructor: measure false fails and detection of wrong answers")
    sp.add_argument("assignment", metavar="HW", help="the homework")
    sp.add_argument("--runs", type=int, default=20, help="reference runs under different seeds (showing "
                    "a false-fail rate of A takes about 3/A of them)")
    sp.add_argument("--wrong-runs", type=int, default=2000, help="simulated runs per known wrong answer")
    sp.add_argument("--unregistered", action="append", metavar="FILE",
                    help="a Python file of wrong answers nobody registered, each a function "
                    "name(base, ctx) -> answers; graded next to generic changes of a correct run")
    write_docs = ("--write-docs", dict(action="store_true", help="record the result in the repo's "
                  "docs/calibration.md (default: <course_dir>/calibration/, a scratch copy)"))
    sp.add_argument(write_docs[0], **write_docs[1])
    sp = add("certify", cmd_certify, "instructor: bound the false-fail rate with thousands of "
             "simulated correct submissions (the reference's graded calls under many seeds)")
    sp.add_argument("assignment", metavar="HW", help="the homework")
    sp.add_argument("--runs", type=int, default=3000, help="simulated correct submissions (no false "
                    "fail in K of them bounds the rate below about 3/K)")
    sp.add_argument("--per-kernel", type=int, default=200, help="submissions simulated per kernel run "
                    "(each kernel's tally is kept in a ledger beside the doc; running the same "
                    "command again goes on from the kernels it holds)")
    sp.add_argument(write_docs[0], **write_docs[1])
    sp = add("calibrate-gates", cmd_calibrate_gates, "instructor: false-fail rates of R-hat gates")
    sp.add_argument("--sims", type=int, default=4000, help="simulated correct samplers per gate")
    sp.add_argument(write_docs[0], **write_docs[1])
    sp = add("formgrader", cmd_formgrader, "TA: write nbgrader_config.py and start formgrader "
             "(Jupyter Lab on 127.0.0.1) to grade written answers")
    sp.add_argument("--port", type=int, default=8888, help="the port Jupyter listens on (default 8888)")
    sp.add_argument("--write-only", action="store_true", help="only write the config and print the command")
    add("demo", cmd_demo, "release, simulate four students, grade, and print the gradebook").add_argument(
        "--dir", help="course state folder for the demo (default: demo-course/)")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    # nbgrader logs every file it copies; its failures reach the user as CourseError
    # messages with the log's tail, so its chatter is shown only with --verbose.
    logging.basicConfig(level=logging.INFO, format="%(message)s",
                        handlers=None if args.verbose else [logging.NullHandler()])
    try:
        course = load_course(args.config or "course.yml", args.course_dir) \
            if args.config or Path("course.yml").is_file() or args.command not in STUDENT_COMMANDS \
            else None
        args.func(course, args)
    except CourseError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]interrupted; finished work is saved and a rerun continues from it")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
