"""`chalice local`, with a listen backlog that takes a burst.

chalice's local server is Python's ThreadingMixIn HTTPServer, whose listen
backlog is 5: when 50 phones send at the same moment, all but a handful of the
connections are reset before the app sees them (API Gateway, in AWS, takes
them all). The backlog here is 128; everything else is `chalice local` as is.

    python scripts/chalice_local.py local --stage local --port 8000 [--autoreload]
"""
import subprocess
import sys
import types

from chalice import local
from chalice.cli import main, reloader

local.ThreadedHTTPServer.request_queue_size = 128
# With --autoreload, chalice restarts its worker as `sys.argv`: a script path, run here by this interpreter.
reloader.subprocess = types.SimpleNamespace(
    Popen=lambda argv, **options: subprocess.Popen([sys.executable, *argv], **options))

if __name__ == "__main__":
    sys.exit(main())
