"""`course`: a thin command line over the library. Each subcommand is one call."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from autograder.cli.output import console, print_gradebook, table
from autograder.course.config import load_course
from autograder.errors import CourseError

# ---------------------------------------------------------------- commands
def cmd_release(course, args):
    from autograder.pipeline.release import release
    for hw in args.assignments:
        release(course, hw)
        console.print(f"released {hw}: student version checked (no solutions, no hidden checks)")


def cmd_check_solutions(course, args):
    from autograder.pipeline.reference import check_solution
    ids = args.assignments or list(course.assignments)
    failures = 0
    for hw in ids:
        with console.status(f"running the reference solution of {hw}"):
            res = check_solution(course, hw, args.seed)
        rows = [(r.grade_id, f"{r.points:g}/{r.max_points:g}", r.status, " ".join(r.messages))
                for r in res.results]
        console.print(table(f"{hw} (seed {res.seed})", ["question", "points", "status", "messages"], rows))
        if res.stopped:
            console.print(f"[red]execution stopped: {res.stopped}")
        failures += not res.ok
    if failures:
        raise CourseError(f"{failures} reference solution(s) did not pass every hidden check")


def cmd_fetch(course, args):
    from autograder.pipeline.student import fetch
    path = fetch(course, args.assignment, args.student, args.team)
    team = course.team_of(args.student) if course.assignment(args.assignment).group else None
    console.print(f"fetched into {path}" + (f" (team {team.id}'s shared folder: each member "
                                            "works and submits there)" if team else ""))


def cmd_validate(course, args):
    from autograder.pipeline.student import validate
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
    from autograder.pipeline.student import submit
    receipt = submit(course, args.assignment, args.student, args.team)
    for line in receipt.lines():
        console.print(line, highlight=False)


def cmd_fetch_feedback(course, args):
    from autograder.pipeline.student import fetch_feedback
    for path in fetch_feedback(course, args.assignment, args.student, args.team):
        console.print(str(path))


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
    from autograder.pipeline.feedback import feedback
    from autograder.pipeline.readiness import require_autograded
    require_autograded(course, args.assignment)
    feedback(course, args.assignment)
    console.print(f"feedback generated and released for {args.assignment}")


def cmd_export(course, args):
    from autograder.pipeline.export import export_canvas, export_csv, project_rows
    from autograder.pipeline.readiness import export_warnings, require_in_gradebook
    milestones = [m for hw in args.assignments
                  for m in (course.project(hw).milestones if hw in course.projects else [hw])]
    for hw in milestones:
        require_in_gradebook(course, hw)
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
    folder = Path(args.output) if args.output else course.course_dir / "stats" / args.assignment
    paths = write_report(st, folder, top=args.top)
    console.print(f"wrote {', '.join(str(p) for p in paths)}", highlight=False)


def cmd_calibrate(course, args):
    from autograder.pipeline.calibrate import calibrate, docs_doc
    calibrate(course, args.assignment, runs=args.runs, wrong_runs=args.wrong_runs,
              doc=docs_doc(course) if args.write_docs else None)


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
    p.add_argument("--config", default="course.yml", help="course configuration (default: course.yml)")
    p.add_argument("--course-dir", help="override where course state lives")
    p.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_):
        sp = sub.add_parser(name, help=help_)
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
        "assignments", nargs="+", metavar="HW")
    sp = add("check-solutions", cmd_check_solutions, "instructor: run reference solutions through hidden checks")
    sp.add_argument("assignments", nargs="*", metavar="HW")
    sp.add_argument("--seed", type=int)
    for name, func, help_ in [("fetch", cmd_fetch, "student: fetch released homework"),
                              ("submit", cmd_submit, "student: submit homework"),
                              ("fetch-feedback", cmd_fetch_feedback, "student: fetch your feedback")]:
        sp = add(name, func, help_)
        sp.add_argument("assignment", metavar="HW")
        sp.add_argument("--student", required=True)
        sp.add_argument("--team", help="team work: the team you act for (default: your team)")
    add("validate", cmd_validate, "student: run the visible checks on a notebook").add_argument("notebook")
    add("collect", cmd_collect, "TA: collect submissions").add_argument("assignment", metavar="HW")
    sp = add("autograde", cmd_autograde, "TA: autograde collected submissions (several HWs share one pool)")
    sp.add_argument("assignments", metavar="HW", nargs="+")
    sp.add_argument("--student", action="append", help="only this student (repeatable)")
    sp.add_argument("--workers", type=int, help="local grading processes (default: course.yml "
                    "`workers`, else one per CPU core; 0 = in this process)")
    sp.add_argument("--dask-scheduler", metavar="ADDRESS",
                    help="grade on this Dask cluster, e.g. tcp://10.0.0.5:8786 (or course.yml `dask_scheduler`)")
    sp.add_argument("--regrade", action="store_true",
                    help="grade again even submissions already graded with the same checks")
    add("feedback", cmd_feedback, "TA: generate and release feedback").add_argument("assignment", metavar="HW")
    sp = add("export", cmd_export, "TA: export grades as CSV (ours, or Canvas's gradebook import)")
    sp.add_argument("assignments", metavar="HW", nargs="+",
                    help="assignment ids; a project's id exports the sum of its milestones")
    sp.add_argument("--format", choices=["csv", "canvas"], default="csv",
                    help="csv: one file per homework with per-question scores and status (default); "
                         "canvas: one file for Canvas's gradebook import, a column per homework")
    sp.add_argument("--output")
    sp = add("teams", cmd_teams, "instructor: list the teams, or draw them at random into course.yml")
    sp.add_argument("--random", type=int, metavar="SIZE", help="draw teams of about SIZE from "
                    "the roster and write them into course.yml (comments kept)")
    sp.add_argument("--seed", type=int, metavar="S", help="the draw's seed (the same seed, the same teams)")
    sp.add_argument("--replace", action="store_true", help="replace the teams course.yml lists")
    add("gradebook", cmd_gradebook, "print the gradebook of one homework").add_argument("assignment", metavar="HW")
    sp = add("stats", cmd_stats, "TA: class statistics of one homework, printed and as a report")
    sp.add_argument("assignment", metavar="HW")
    sp.add_argument("--output", help="report folder (default: <course_dir>/stats/HW)")
    sp.add_argument("--top", type=int, default=10, help="failure messages listed (default 10)")
    sp = add("calibrate", cmd_calibrate, "instructor: measure false fails and detection of wrong answers")
    sp.add_argument("assignment", metavar="HW")
    sp.add_argument("--runs", type=int, default=20, help="reference runs under different seeds")
    sp.add_argument("--wrong-runs", type=int, default=2000, help="simulated runs per known wrong answer")
    write_docs = ("--write-docs", dict(action="store_true", help="record the result in the repo's "
                  "docs/calibration.md (default: <course_dir>/calibration/, a scratch copy)"))
    sp.add_argument(write_docs[0], **write_docs[1])
    sp = add("calibrate-gates", cmd_calibrate_gates, "instructor: false-fail rates of R-hat gates")
    sp.add_argument("--sims", type=int, default=4000)
    sp.add_argument(write_docs[0], **write_docs[1])
    sp = add("formgrader", cmd_formgrader, "TA: write nbgrader_config.py and start formgrader "
             "(Jupyter Lab on 127.0.0.1) to grade written answers")
    sp.add_argument("--port", type=int, default=8888)
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
        course = load_course(args.config, args.course_dir)
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
