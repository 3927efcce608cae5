"""Award lists (danh sách khen thưởng): exemplary initiatives, outstanding
individuals and outstanding collectives of a unit's subtree in one phase.

- `criteria` (pure): the criteria file, checked by schemas/award-criteria.json.
- `compile` (pure): candidates + grassroots progress + criteria → the lists.
- `candidates`: the `award_candidate` effect writes one candidate per unit on a
  recognised initiative's path; compiling reads one partition.
- `progress`: what else compiling reads (grassroots unions' counts and
  targets, through their owners).
- `store`: compiled lists, versioned, never overwritten.
- `workbook`, `mail`: the Excel file in S3 and the leaders' email.
- `access`: who may compile, read and approve.
- `service`: compile / read / approve, for the API, the pages and the schedule.
"""
