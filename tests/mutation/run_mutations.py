# SPDX-License-Identifier: BSD-3-Clause
"""Mutation testing: does the test suite catch small, realistic bugs?

Each mutant replaces one exact snippet of a file of ``skinit/`` by a wrong
version of it. This script applies the mutants one at a time, each to a
private copy of the package (the worktree itself is never written), runs the
tests that cover the mutated module (``pytest -x``, stopping at the first
failure) and records whether they catch it: *killed* (a test failed),
*survived* (every test passed) or *timeout* (counted as killed: the bug hangs
training).

Usage, from the repository's root::

    python tests/mutation/run_mutations.py tests/mutation/mutants_round1.txt \
        [--jobs 2] [--only M03,M17] [--report tests/mutation/round1.md]

The mutants file is a list of blocks::

    ## M01 skinit/_mlp.py
    ## what: one line saying what the bug is
    ## tests: tests/test_mlp.py::test_x tests/test_restarts.py   (optional)
    ## env: SKINIT_NUMBA=0                                       (optional)
    --- original
    <the exact text to replace, one or more lines>
    +++ mutant
    <its replacement>
    ===

``tests`` defaults to the files of :data:`TESTS` for the mutated module;
``env`` adds environment variables (``SKINIT_NUMBA=0`` for a mutant of the
numpy fallback kernels, which the compiled kernels would otherwise hide).
The original snippet must occur exactly once in its file.

Not collected by pytest (``tests/mutation/conftest.py``).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The tests that cover each module, used when a mutant names none.
TESTS = {
    "skinit/_mlp.py": [
        "tests/test_mlp.py",
        "tests/test_restarts.py",
        "tests/test_validation.py",
        "tests/test_diagnostics.py",
        "tests/test_callbacks.py",
        "tests/test_ensemble.py",
        "tests/test_restart_halving.py",
    ],
    "skinit/_batch.py": [
        "tests/test_restarts.py",
        "tests/test_mlp.py",
        "tests/test_search.py",
    ],
    "skinit/_restarts.py": ["tests/test_restarts.py", "tests/test_restart_halving.py"],
    "skinit/_solvers.py": [
        "tests/test_mlp.py",
        "tests/test_kernels.py",
        "tests/test_validation.py",
        "tests/test_restarts.py",
    ],
    "skinit/_engine.py": ["tests/test_engine.py", "tests/test_mlp.py"],
    "skinit/_kernels.py": [
        "tests/test_kernels.py",
        "tests/test_engine.py",
        "tests/test_mlp.py",
    ],
    "skinit/_search.py": ["tests/test_search.py"],
    "skinit/_diagnostics.py": ["tests/test_diagnostics.py"],
    "skinit/_signal.py": ["tests/test_signal_propagation.py"],
    "skinit/_init.py": ["tests/test_initializers.py"],
    "skinit/initializers": ["tests/test_initializers.py"],
    "skinit/_cli.py": ["tests/test_cli.py"],
    "skinit/utils": [
        "tests/test_validation.py",
        "tests/test_restarts.py",
        "tests/test_plot.py",
    ],
    "skinit/_plot": ["tests/test_plot.py"],
    "skinit/_callbacks.py": ["tests/test_callbacks.py"],
}

#: What a private copy of the repository needs to run the tests.
COPIED = ("skinit", "tests", "examples", "conftest.py", "pyproject.toml")

#: A mutant whose tests run longer than this is counted as killed (it hangs).
TIMEOUT = 900


def parse(path):
    """The mutants of a file, as dicts (see the module's docstring)."""
    mutants = []
    for block in Path(path).read_text().split("\n===\n"):
        if not block.strip():
            continue
        header, _, body = block.partition("\n--- original\n")
        original, sep, mutant = body.partition("\n+++ mutant\n")
        if not sep:
            raise ValueError(f"{path}: a block lacks '+++ mutant':\n{block}")
        fields = {}
        lines = [line for line in header.splitlines() if line.startswith("## ")]
        ident, file = lines[0][3:].split()
        for line in lines[1:]:
            key, _, value = line[3:].partition(":")
            fields[key.strip()] = value.strip()
        mutants.append(
            {
                "id": ident,
                "file": file,
                "what": fields.get("what", ""),
                "tests": fields.get("tests", "").split() or _default_tests(file),
                "env": dict(
                    pair.split("=", 1) for pair in fields.get("env", "").split()
                ),
                "original": original + "\n",
                "mutant": mutant.rstrip("\n") + "\n" if mutant.strip() else "",
            }
        )
    return mutants


def _default_tests(file):
    for prefix, tests in TESTS.items():
        if file == prefix or file.startswith(prefix + "/"):
            return tests
    raise ValueError(f"no tests known for {file}: name them with '## tests:'")


def check(mutant):
    """Refuse a mutant whose original text does not occur exactly once."""
    text = (ROOT / mutant["file"]).read_text()
    count = text.count(mutant["original"])
    if count != 1:
        raise ValueError(
            f"{mutant['id']}: its original text occurs {count} times in "
            f"{mutant['file']} (must be once):\n{mutant['original']}"
        )
    if mutant["original"] == mutant["mutant"]:
        raise ValueError(f"{mutant['id']}: the mutant equals the original")


def _copy(destination):
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("_build")
            )
        else:
            shutil.copy2(source, destination / name)


def _pytest(command, workdir, env):
    """``(status, output)`` of a pytest run: killed, survived or timeout."""
    try:
        done = subprocess.run(
            command,
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return "timeout", ""
    # a failure, an error, a crash: killed
    return ("survived" if done.returncode == 0 else "killed"), done.stdout + done.stderr


def run(mutant, workdir, confirm=True):
    """Apply ``mutant`` in ``workdir`` (a copy), run its tests, restore the file.

    The mutated module's doctests run with its tests; with ``confirm``, a
    mutant the selected tests miss is run against the whole suite.
    """
    target = workdir / mutant["file"]
    text = target.read_text()
    target.write_text(text.replace(mutant["original"], mutant["mutant"], 1))
    env = {**os.environ, "PYTHONPATH": str(workdir), **mutant["env"]}
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE"]
    pytest += ["-p", "no:cacheprovider", "--color=no"]
    selected = [*mutant["tests"]]
    if mutant["file"].endswith(".py"):
        selected.append(mutant["file"])  # its doctests
    start = time.perf_counter()
    try:
        status, output = _pytest([*pytest, *selected], workdir, env)
        if status == "survived" and confirm:
            # the selected tests missed it: does the whole suite?
            status, output = _pytest(pytest, workdir, env)
            if status != "survived":
                status = "killed (full suite)"
    finally:
        shutil.copy2(ROOT / mutant["file"], target)  # the original, its mtime too
    failed = re.findall(
        r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", output, flags=re.MULTILINE
    )
    if status.startswith("killed") and not failed:
        failed = [output.strip().splitlines()[-1] if output.strip() else "?"]
    return {
        **mutant,
        "status": status,
        "by": failed[0] if failed else "",
        "seconds": time.perf_counter() - start,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--only", help="comma-separated mutant ids")
    parser.add_argument(
        "--tests", help="run these tests (space-separated) instead of the mutants' own"
    )
    parser.add_argument(
        "--suite-at",
        metavar="COMMIT",
        help="run the tests as they were at this commit (the package stays current)",
    )
    parser.add_argument("--report", help="write a Markdown table of the results")
    parser.add_argument(
        "--no-confirm",
        action="store_true",
        help="do not run the whole suite on the mutants the selected tests miss",
    )
    args = parser.parse_args(argv)
    mutants = parse(args.mutants)
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m["id"] in wanted]
    for mutant in mutants:
        check(mutant)
        if args.tests:
            mutant["tests"] = args.tests.split()
    results = []
    with tempfile.TemporaryDirectory(prefix="skinit-mutants-") as tmp:
        workdirs = []
        for j in range(max(1, args.jobs)):
            workdir = Path(tmp) / f"copy{j}"
            workdir.mkdir()
            _copy(workdir)
            if args.suite_at:
                shutil.rmtree(workdir / "tests")
                archive = subprocess.run(
                    ["git", "archive", args.suite_at, "tests"],
                    cwd=ROOT,
                    capture_output=True,
                    check=True,
                ).stdout
                subprocess.run(["tar", "-x", "-C", workdir], input=archive, check=True)
            workdirs.append(workdir)
        free = list(workdirs)

        def task(mutant):
            workdir = free.pop()
            try:
                result = run(mutant, workdir, confirm=not args.no_confirm)
            finally:
                free.append(workdir)
            print(
                f"{result['id']:>5} {result['status']:>8} {result['seconds']:6.0f} s "
                f"{result['file']}: {result['what']}  [{result['by']}]",
                flush=True,
            )
            return result

        with ThreadPoolExecutor(max_workers=len(workdirs)) as pool:
            results = list(pool.map(task, mutants))
    # the worktree was never written; say so if something else changed it
    dirty = subprocess.run(
        ["git", "diff", "--quiet", "--", "skinit"], cwd=ROOT
    ).returncode
    if dirty:
        print("warning: skinit/ differs from git HEAD (not changed by this script)")
    killed = sum(r["status"] != "survived" for r in results)
    print(
        f"killed {killed} of {len(results)} mutants "
        f"({100 * killed / max(1, len(results)):.0f}%)"
    )
    if args.report:
        lines = [
            "| id | file | mutation | result | caught by |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['id']} | {r['file']} | {r['what']} | {r['status']} | "
            f"{r['by'] or '-'} |"
            for r in results
        ]
        lines.append(f"\nKilled {killed} of {len(results)}.")
        Path(args.report).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    # a stopped run still removes its copies (TemporaryDirectory's cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
