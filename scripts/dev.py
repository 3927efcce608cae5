#!/usr/bin/env python3
"""The two commands of the README, on a fresh machine with only Python 3.11.

    python3 scripts/dev.py serve   # install, start moto + the API on 127.0.0.1, demo data loaded
    python3 scripts/dev.py test    # install, run the whole test suite (incl. packaging + cfn-lint)

Both make `.venv/` and install `requirements-dev.txt` into it when it changed,
then run inside it. Nothing here talks to real AWS.
"""
import hashlib
import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
PYTHON = os.path.join(VENV, "bin", "python")
STAMP = os.path.join(VENV, ".requirements-stamp")
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")


def requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in REQUIREMENTS:
        with open(os.path.join(ROOT, name), "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed (found %s)." % sys.version.split()[0])
    if not os.path.exists(PYTHON):
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = requirements_digest()
    if not os.path.exists(STAMP) or open(STAMP).read() != wanted:
        print("Installing requirements-dev.txt into .venv …", flush=True)
        subprocess.check_call([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               "pip<26.3", "setuptools"])
        subprocess.check_call([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               "-r", os.path.join(ROOT, "requirements-dev.txt")])
        with open(STAMP, "w") as f:
            f.write(wanted)


def in_venv() -> bool:
    return os.path.realpath(sys.prefix) == os.path.realpath(VENV)


def main(argv) -> int:
    if len(argv) < 2 or argv[1] not in ("serve", "test"):
        print(__doc__)
        return 2
    if not in_venv():
        ensure_venv()
        os.execv(PYTHON, [PYTHON, os.path.abspath(__file__), *argv[1:]])
    os.chdir(ROOT)
    if argv[1] == "test":
        return subprocess.call([PYTHON, "-m", "pytest", *argv[2:]])
    sys.path.insert(0, ROOT)
    from scripts import local

    return local.main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
