"""Entering and reading initiatives, and the owner of the initiatives table:
`rules` (pure), `identifiers`, `service` (checks, then one write), `store`
(every key, read and write of the table)."""
