"""The review operations, above the initiatives they act on: fire an event
(a transition), decide many at once, read the history, read a unit's queue,
and let authors edit a returned initiative. `service` wires the pure workflow
core (chalicelib/workflow) to the initiatives' store (chalicelib/submissions);
`queues` says what a unit's reviewers see and may do."""
