#!/usr/bin/env python3
"""The two commands of the README, on a fresh machine with only Python 3.11.

    python3 scripts/dev.py serve   # install, start moto + the API on 127.0.0.1, demo data loaded
                                   # (what is entered is kept in .local-data/; serve --reset, serve --empty,
                                   # serve --help)
    python3 scripts/dev.py test    # install, run the whole test suite (incl. packaging + cfn-lint), in parallel

Both make `.venv/` and install `requirements-dev.txt` into it when it changed,
then run inside it. `test` also installs Debian's Chromium (packages chromium
and chromium-driver, through apt-get) when /usr/bin/chromium is missing: the
end-to-end tests in tests/e2e drive it headless. Nothing here talks to real AWS.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
PYTHON = os.path.join(VENV, "bin", "python")
STAMP = os.path.join(VENV, ".requirements-stamp")
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
# The browser of the end-to-end tests: Debian's, never one downloaded by a test tool.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_PACKAGES = ("chromium", "chromium-driver")


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


def ensure_chromium() -> None:
    """Install Debian's chromium and chromium-driver when /usr/bin/chromium is missing, or exit saying how."""
    if os.path.exists(CHROMIUM):
        return
    install = ["apt-get", "install", "-y", "--no-install-recommends", *CHROMIUM_PACKAGES]
    how = (f"Install it with `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive {' '.join(install)}` "
           f"(Debian/Ubuntu), or any other way that puts Chromium at {CHROMIUM}, and run this again.")
    if not shutil.which("apt-get"):
        sys.exit(f"{CHROMIUM} is missing and there is no apt-get here to install it. {how}")
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo"):
        # sudo resets the environment: hand DEBIAN_FRONTEND over through `env`.
        prefix = ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    else:
        sys.exit(f"{CHROMIUM} is missing and installing it needs root (no sudo here). {how}")
    print(f"{CHROMIUM} is missing: installing Debian's {' and '.join(CHROMIUM_PACKAGES)} with apt-get "
          "for the end-to-end tests …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with tempfile.TemporaryFile("w+") as log:
        # An update that fails for one source may still leave the packages installable: judge by the install.
        subprocess.call([*prefix, "apt-get", "update"], stdout=log, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL, env=env)
        done = subprocess.call([*prefix, *install], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=env)
        if done != 0 or not os.path.exists(CHROMIUM):
            log.seek(0)
            tail = "".join(log.readlines()[-15:])
            sys.exit(f"{tail}\nCould not install Chromium (apt-get exited {done}; output's end above). {how}")


def parallel() -> list[str]:
    """pytest-xdist's options: one worker per core and one more (the browser tests
    spend their time waiting on a server and a browser), each test file on one
    worker (its module fixtures are built once). `-n 0` after them runs serially."""
    workers = int(os.environ.get("TEST_WORKERS", (os.cpu_count() or 1) + 1))
    return ["-n", str(workers), "--dist", "loadfile"]


def in_venv() -> bool:
    return os.path.realpath(sys.prefix) == os.path.realpath(VENV)


def main(argv) -> int:
    if len(argv) < 2 or argv[1] not in ("serve", "test"):
        print(__doc__)
        return 2
    if argv[1] == "test":
        ensure_chromium()
    if not in_venv():
        ensure_venv()
        os.execv(PYTHON, [PYTHON, os.path.abspath(__file__), *argv[1:]])
    os.chdir(ROOT)
    if argv[1] == "test":
        return subprocess.call([PYTHON, "-m", "pytest", *parallel(), *argv[2:]])
    sys.path.insert(0, ROOT)
    from scripts import local

    return local.main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
