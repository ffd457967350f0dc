#!/usr/bin/env python3
"""Regenerates the CVSS reference scores that `tests/cvss_vectors.rs` checks appvd against.

Three independent implementations score every vector:
  * rh       -- the PyPI package `cvss` (Red Hat), imported here;
  * pandatix -- the npm package `@pandatix/js-cvss`, run by js/score.mjs;
  * ae       -- the npm package `ae-cvss-calculator`, run by js/score.mjs.
Each vector is written with the `rh` score. Every disagreement must be of a kind listed (and
explained against the FIRST specification) in KNOWN_DISSENT, else the script stops; the kinds met,
with counts and examples, go to disagreements.txt.

See README.md for how to run it. Output is deterministic (fixed seeds, fixed enumeration order).
"""

import argparse
import itertools
import os
import random
import subprocess
import sys
from collections import Counter

from cvss import CVSS3, CVSS4

HERE = os.path.dirname(os.path.abspath(__file__))

V3_BASE = [
    ("AV", "NALP"), ("AC", "LH"), ("PR", "NLH"), ("UI", "NR"), ("S", "UC"),
    ("C", "HLN"), ("I", "HLN"), ("A", "HLN"),
]
V3_OPTIONAL = [
    ("E", "UPFH"), ("RL", "OTWU"), ("RC", "URC"),
    ("CR", "LMH"), ("IR", "LMH"), ("AR", "LMH"),
    ("MAV", "NALP"), ("MAC", "LH"), ("MPR", "NLH"), ("MUI", "NR"), ("MS", "UC"),
    ("MC", "HLN"), ("MI", "HLN"), ("MA", "HLN"),
]
V4_BASE = [
    ("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"),
    ("VC", "HLN"), ("VI", "HLN"), ("VA", "HLN"), ("SC", "HLN"), ("SI", "HLN"), ("SA", "HLN"),
]
V4_OPTIONAL = [
    ("E", "APU"), ("CR", "HML"), ("IR", "HML"), ("AR", "HML"),
    ("MAV", "NALP"), ("MAC", "LH"), ("MAT", "NP"), ("MPR", "NLH"), ("MUI", "NPA"),
    ("MVC", "HLN"), ("MVI", "HLN"), ("MVA", "HLN"), ("MSC", "HLN"), ("MSI", "HLNS"), ("MSA", "HLNS"),
    ("S", "NP"), ("AU", "NY"), ("R", "AUI"), ("V", "DC"), ("RE", "LMH"),
    ("U", ["Clear", "Green", "Amber", "Red"]),
]

# Every disagreement met so far, with the implementation the data follows and why. `resolve`
# refuses to write data for a disagreement that matches none of these, so a new kind of
# disagreement (e.g. after a package upgrade) must be studied and explained here first.
# Key: (dataset, dissenting implementation, score column: 0 base, 1 temporal, 2 environmental).
KNOWN_DISSENT = {
    ("cvss31", "pandatix", 1): "its Roundup tests `% 1000` where CVSS 3.1 Appendix A says "
                               "`% 10000`, so values such as 6.60001 are not rounded up",
    ("cvss30", "pandatix", 1): "same Roundup slip as for 3.1",
    ("cvss31", "pandatix", 2): "it weights Modified Privileges Required by the base Scope; the "
                               "specification uses Modified Scope (MS) when it is defined",
    ("cvss30", "pandatix", 2): "same Modified Scope slip as for 3.1",
    ("cvss30", "ae", 2): "it rounds up binary floats (2.5 x 0.92 = 2.3000000000000003 -> 2.4); "
                         "CVSS 3.0 rounds up the exact value (2.3)",
    ("cvss40", "pandatix", 0): "it rounds the binary float half up without the 1e-6 epsilon of "
                               "FIRST's calculator, so 8.55 (stored as 8.5499...) becomes 8.5",
}
# The data follows `rh` (exact decimal arithmetic for 3.x; FIRST's own rounding for 4.0) whenever
# the dissent is one of the above: in every such case `rh` and the other JavaScript package agree.
REFERENCE = "rh"


def enumerate_base(metrics, prefix):
    for values in itertools.product(*(choices for _, choices in metrics)):
        yield prefix + "/".join(f"{m}:{v}" for (m, _), v in zip(metrics, values))


def random_full(rng, base, optional, prefix, count):
    seen = set()
    while len(seen) < count:
        parts = [f"{m}:{rng.choice(list(c))}" for m, c in base]
        density = rng.choice([0.2, 0.5, 0.8])
        for m, c in optional:
            if rng.random() < density:
                parts.append(f"{m}:{rng.choice(list(c))}")
        vector = prefix + "/".join(parts)
        if vector not in seen:
            seen.add(vector)
            yield vector


def run_js(vectors):
    js = os.path.join(HERE, "js", "score.mjs")
    done = subprocess.run(["node", js], input="\n".join(vectors) + "\n", capture_output=True,
                          text=True, check=True)
    rows = done.stdout.rstrip("\n").split("\n")
    assert len(rows) == len(vectors), (len(rows), len(vectors))
    return [r.split("\t") for r in rows]


def one(x):
    return "ERR" if x is None else f"{float(x):.1f}"


def rh3(vector):
    try:
        return [one(s) for s in CVSS3(vector).scores()]
    except Exception:  # noqa: BLE001 -- a rejection is an answer to record
        return ["ERR"] * 3


def rh4(vector):
    try:
        return [one(CVSS4(vector).base_score)]
    except Exception:  # noqa: BLE001
        return ["ERR"]


def resolve(dataset, vector, answers, disagreements):
    """answers: {impl: [score, ...]}; "-" is a score that implementation does not report."""
    reference = answers[REFERENCE]
    for impl, scores in answers.items():
        for column, (mine, theirs) in enumerate(zip(reference, scores)):
            if theirs in ("-", mine):
                continue
            if (dataset, impl, column) not in KNOWN_DISSENT or mine == "ERR":
                sys.exit(f"unexplained disagreement on {vector}: {answers}")
            disagreements.append((dataset, impl, column, vector, answers))
    return reference


def score3_all(dataset, vectors, disagreements):
    js = run_js(vectors)
    out = []
    for vector, j in zip(vectors, js):
        answers = {"rh": rh3(vector), "pandatix": j[0:3], "ae": j[3:6]}
        out.append(resolve(dataset, vector, answers, disagreements))
    return out


def score4_all(dataset, vectors, disagreements):
    js = run_js(vectors)
    out = []
    for vector, j in zip(vectors, js):
        answers = {"rh": rh4(vector), "pandatix": [j[0]], "ae": [j[1]]}
        out.append(resolve(dataset, vector, answers, disagreements))
    return out


def write(name, header, lines):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write(f"# {h}\n")
        for line in lines:
            f.write(line + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random31", type=int, default=3000)
    parser.add_argument("--random30", type=int, default=1000)
    parser.add_argument("--random40", type=int, default=3000)
    args = parser.parse_args()
    disagreements = []

    for version in ("3.0", "3.1"):
        tag = "cvss" + version.replace(".", "")
        prefix = f"CVSS:{version}/"
        base = list(enumerate_base(V3_BASE, prefix))
        scores = score3_all(tag, base, disagreements)
        write(f"{tag}_base.txt",
              [f"Every CVSS {version} base vector with its base score; see README.md."],
              [f"{v} {s[0]}" for v, s in zip(base, scores)])

        count = args.random31 if version == "3.1" else args.random30
        rng = random.Random(f"appvd-{tag}-random")
        vectors = list(random_full(rng, V3_BASE, V3_OPTIONAL, prefix, count))
        scores = score3_all(tag, vectors, disagreements)
        write(f"{tag}_random.txt",
              [f"Random CVSS {version} vectors: vector base temporal environmental; see README.md."],
              [f"{v} {' '.join(s)}" for v, s in zip(vectors, scores)])

    base = list(enumerate_base(V4_BASE, "CVSS:4.0/"))
    scores = score4_all("cvss40", base, disagreements)
    write("cvss40_base.txt",
          ["Score of every CVSS 4.0 base vector, one per line, in enumeration order:",
           "metrics AV AC AT PR UI VC VI VA SC SI SA, values in the order",
           "AV N A L P, AC L H, AT N P, PR N L H, UI N P A, VC..SA H L N; the last metric varies fastest."],
          [s[0] for s in scores])

    rng = random.Random("appvd-cvss40-random")
    vectors = list(random_full(rng, V4_BASE, V4_OPTIONAL, "CVSS:4.0/", args.random40))
    scores = score4_all("cvss40", vectors, disagreements)
    write("cvss40_random.txt",
          ["Random CVSS 4.0 vectors with threat, environmental and supplemental metrics: vector score."],
          [f"{v} {s[0]}" for v, s in zip(vectors, scores)])

    counts = Counter((d[0], d[1], d[2]) for d in disagreements)
    examples = {}
    for dataset, impl, column, vector, answers in disagreements:
        examples.setdefault((dataset, impl, column), []).append((vector, answers))
    columns = ("base", "temporal", "environmental")
    lines = [f"Every data file takes the `{REFERENCE}` value. Per kind: count, reason, three examples."]
    for key, why in KNOWN_DISSENT.items():
        dataset, impl, column = key
        lines.append("")
        lines.append(f"{dataset} {columns[column]} score, {impl} differs on {counts.get(key, 0)} "
                     f"vectors: {why}.")
        for vector, answers in examples.get(key, [])[:3]:
            lines.append("  " + vector + "  " + "  ".join(
                f"{k}={','.join(v)}" for k, v in answers.items()))
    write("disagreements.txt", ["Where the reference implementations disagree (see generate.py)."],
          lines)
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    main()
