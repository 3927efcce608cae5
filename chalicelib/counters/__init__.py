"""Counters: how many initiatives each unit has, per phase, rolled up to every
unit above it, kept exact from the initiatives table's stream.

- `core`: the arithmetic (what one initiative counts for, what a change moves,
  who counts as a participating author). Pure: no boto3.
- `store`: the owner of the `counters` table: applies one stream change
  exactly once, and holds the reads others need (a unit's counts, a level's).
- `stats`: progress and rankings for the API and the dashboard, read through
  the owners; reads are keyed by unit, never by initiative, and never scan.
Who may read which figures is the one rule for a unit's data: auth.principal.reads_unit.
"""
