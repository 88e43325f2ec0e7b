"""Reference runs behind milestone 2's accuracy thresholds (schema_net_m2/checks.py).

Runs the kit's two correct learners (autograder/studies/schema_net.learn: best-first
greedy, the reference's method, and first-fit greedy, the alternative's) on logs drawn
exactly as the grader draws them (a twin of the game, TRAIN_TRANSITIONS logged
transitions, HELD_OUT and ZERO_SHOT fresh ones), and writes each run's accuracies to
assignments/schema_net_m2/reference/learner_runs.json. The thresholds are the lower
ends of prediction intervals over these runs.

Run: PYTHONPATH=. python solutions/schema_net_m2/calibrate_learners.py [--runs K]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from autograder.studies import schema_net as sn

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "assignments" / "schema_net_m2" / "reference" / "learner_runs.json"


def main(runs: int) -> None:
    out = {"train_transitions": sn.TRAIN_TRANSITIONS, "held_out": sn.HELD_OUT,
           "zero_shot": sn.ZERO_SHOT, "runs": []}
    for style in ("best", "first"):
        for k in range(runs):
            logs = sn.learning_probe(np.random.default_rng([2017, k]))
            schemas = sn.learn(*logs.train, style=style)
            out["runs"].append({"style": style, "seed": k,
                                "held_out": sn.transition_accuracy(schemas, *logs.held_out),
                                "zero_shot": sn.transition_accuracy(schemas, *logs.zero_shot)})
            print(out["runs"][-1], flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT.relative_to(REPO))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    main(parser.parse_args().runs)
