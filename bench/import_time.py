"""How long a cold container takes to import the app.

    .venv/bin/python bench/import_time.py [--runs 15]

Runs `python -c "import app"` N times, each in a fresh subprocess, from the
project root with the venv's Python and STAGE=prod (a deployed stage's import:
no dev routes), and prints the median, min and max wall time; then the same for
`python -c "pass"` (the interpreter's own start-up, for reference) and the top
10 modules by cumulative import time from `-X importtime`. The goal is that
`import app`, interpreter start-up included, takes under 300 ms.

It prints figures; it is not a timed test (tests/test_cold_start.py checks,
without timing anything, that the heavy libraries stay out of the import).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
GOAL_MS = 300.0


def environment() -> dict:
    env = dict(os.environ, STAGE="prod")
    for name in ("PYTHONSTARTUP", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def wall_times(python: str, code: str, runs: int) -> list[float]:
    """Milliseconds for `python -c code`, one fresh process per run, after one unmeasured warm-up
    (which writes any missing .pyc files and fills the OS file cache)."""
    env = environment()
    subprocess.run([python, "-c", code], cwd=ROOT, env=env, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", code], cwd=ROOT, env=env, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def import_profile(python: str, repeats: int = 3) -> list[tuple[str, float, float]]:
    """(module, self ms, cumulative ms) from `-X importtime`, the median of `repeats` runs per module."""
    samples: dict[str, list[tuple[int, int]]] = {}
    for _ in range(repeats):
        done = subprocess.run([python, "-X", "importtime", "-c", "import app"], cwd=ROOT, env=environment(),
                              capture_output=True, text=True, check=True)
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "[us]" in line:
                continue
            self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
            samples.setdefault(name.strip(), []).append((int(self_us), int(cumulative_us)))
    rows = [(name, statistics.median(s for s, _ in values) / 1000, statistics.median(c for _, c in values) / 1000)
            for name, values in samples.items()]
    return sorted(rows, key=lambda row: row[2], reverse=True)


def describe(label: str, times: list[float]) -> str:
    return (f"{label:22} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms   "
            f"max {max(times):7.1f} ms   ({len(times)} runs)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Wall time of `import app` in a fresh process (STAGE=prod).")
    parser.add_argument("--runs", "-n", type=int, default=15, help="runs per command (default 15)")
    parser.add_argument("--python", default=VENV_PYTHON if os.path.exists(VENV_PYTHON) else sys.executable,
                        help="the interpreter (default: the project's .venv)")
    parser.add_argument("--top", type=int, default=10, help="modules to list from -X importtime (default 10)")
    args = parser.parse_args(argv)

    print(f"python: {args.python}   cwd: {ROOT}   STAGE=prod")
    app_times = wall_times(args.python, "import app", args.runs)
    bare_times = wall_times(args.python, "pass", args.runs)
    app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
    print(describe('python -c "import app"', app_times))
    print(describe('python -c "pass"', bare_times))
    print(f"{'import app alone':22} median {app_median - bare_median:7.1f} ms   (difference of the medians)")

    print(f"\ntop {args.top} modules by cumulative import time (-X importtime, median of 3 runs):")
    print(f"  {'cumulative ms':>13}  {'self ms':>8}  module")
    for name, self_ms, cumulative_ms in import_profile(args.python)[:args.top]:
        print(f"  {cumulative_ms:13.1f}  {self_ms:8.1f}  {name}")

    met = app_median < GOAL_MS
    print(f"\ngoal: `import app` under {GOAL_MS:.0f} ms (interpreter start-up included): "
          f"{'MET' if met else 'NOT MET'} (median {app_median:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
