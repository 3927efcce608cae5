"""The pure core of the review: `definition.json` (the state machine as data,
checked when loaded by `definition.py`), the `engine` that decides
transitions, the `effects` registry, and the `exceptions` that say why a
transition is refused. No I/O, no HTTP: chalicelib/review applies decisions."""
