"""The review state machine: `definition.json` (data, checked when loaded by
`definition.py`), the pure `engine` that decides transitions, and `store`, which
applies a decision as one DynamoDB transaction."""
