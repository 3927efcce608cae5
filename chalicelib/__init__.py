"""The review and recognition workflow for workplace initiative programs.

The packages here hold all the code; ``app.py`` only wires blueprints together.
Modules imported by ``app.py`` stay light (no boto3/PynamoDB at import time) so
that a Lambda cold start stays short: the heavy adapters are imported by the
route that needs them.
"""
