"""Award lists (danh sách khen thưởng): exemplary initiatives, outstanding
individuals and outstanding collectives of a unit's subtree in one phase.

- `criteria` (pure): the criteria file, checked by schemas/award-criteria.json.
- `compile` (pure): candidates + grassroots progress + criteria → the lists.
- `candidates`: the `award_candidate` effect writes, per unit on a recognised
  initiative's path, a candidate ranked by score and the authors' aggregates,
  and the grassroots union's sum; compiling reads each top-level unit's best N
  and the aggregates that qualify through two indexes, never every candidate.
- `progress`: what else compiling reads (grassroots unions' counts and
  targets, through their owners).
- `store`: compiled lists, versioned, never overwritten.
- `workbook`, `mail`: the Excel file in S3 and the leaders' email.
- `access`: who may compile, read and approve.
- `queue`: the award-list queue (SQS) that carries compile requests to their
  handler (chalicelib/queues.py), off the request path.
- `service`: ask for a compile, run it (the queue's handler; the schedule
  compiles directly), read, approve, for the API, the pages and the schedule.
"""
