"""Counters: how many initiatives each unit has, per phase, rolled up to every
unit above it, kept exact from the initiatives table's stream.

- `core`: the arithmetic (what one initiative counts for, what a change moves,
  who counts as a participating author). Pure: no boto3.
- `store`: applies one stream change to the `counters` table, exactly once.
- `stats`: reads the counters back for the progress and rankings API; reads
  are keyed by unit, never by initiative, and never scan.
"""
