"""Package the app for CloudFormation/SAM and lint the result.

    python scripts/package.py [--stage prod] [--out build/package]

Runs `chalice package --stage <stage> --merge-template deploy/resources.json
<out>` (the tables, the Cognito user pool and the least-privilege IAM come from
the merge template), then `cfn-lint` on `<out>/sam.json`. Prints where the
template is; exits non-zero if either step fails (cfn-lint warnings count as a
failure). Uses the `chalice` and `cfn-lint` installed next to this Python.

`chalice package` imports app.py with the stage's environment variables from
.chalice/config.json, so STAGE decides which routes exist (no /dev/* routes in a
deployed stage); a STAGE left in the caller's environment is dropped so that it
cannot leak in. It needs a region: AWS_DEFAULT_REGION defaults to ap-southeast-1.
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DIR = os.path.dirname(sys.executable)
DEFAULT_REGION = "ap-southeast-1"
MERGE_TEMPLATE = os.path.join(ROOT, "deploy", "resources.json")
# What `chalice package` writes into the output directory.
OUTPUTS = ("sam.json", "deployment.zip")


def tool(name: str) -> str:
    path = os.path.join(BIN_DIR, name)
    if not os.path.exists(path):
        raise SystemExit(f"error: {name} is not installed next to {sys.executable} "
                         f"(install requirements-dev.txt into this environment)")
    return path


def package_env() -> dict:
    env = dict(os.environ)
    env.pop("STAGE", None)
    if not env.get("AWS_DEFAULT_REGION"):
        env["AWS_DEFAULT_REGION"] = DEFAULT_REGION
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", default="prod", help="the chalice stage to package (default: prod)")
    parser.add_argument("--out", default=os.path.join("build", "package"),
                        help="output directory, relative to the project (default: build/package)")
    parser.add_argument("--merge-template", default=MERGE_TEMPLATE,
                        help="template merged into chalice's (default: deploy/resources.json)")
    args = parser.parse_args(argv)

    out = os.path.abspath(os.path.join(ROOT, args.out))
    merge_template = os.path.abspath(args.merge_template)
    env = package_env()
    chalice, cfn_lint = tool("chalice"), tool("cfn-lint")

    # Never leave a stale template or zip behind that could pass for this run's.
    os.makedirs(out, exist_ok=True)
    for name in OUTPUTS:
        path = os.path.join(out, name)
        if os.path.exists(path):
            os.remove(path)

    started = time.monotonic()
    command = [chalice, "--project-dir", ROOT, "package", "--stage", args.stage,
               "--merge-template", merge_template, out]
    print("+ " + " ".join(command), flush=True)
    if subprocess.call(command, cwd=ROOT, env=env) != 0:
        print("error: chalice package failed", file=sys.stderr)
        return 1
    template = os.path.join(out, "sam.json")
    if not os.path.exists(template):
        print(f"error: chalice package did not write {template}", file=sys.stderr)
        return 1
    packaged = time.monotonic()

    command = [cfn_lint, "--regions", env["AWS_DEFAULT_REGION"], "--", template]
    print("+ " + " ".join(command), flush=True)
    code = subprocess.call(command, cwd=ROOT, env=env)
    if code != 0:
        print(f"error: cfn-lint found problems in {template} (exit code {code})", file=sys.stderr)
        return 1
    linted = time.monotonic()

    print(f"Template: {template}")
    print(f"Deployment package: {os.path.join(out, 'deployment.zip')}")
    print(f"(chalice package {packaged - started:.1f}s, cfn-lint {linted - packaged:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
