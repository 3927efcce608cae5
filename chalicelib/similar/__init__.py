"""Near-duplicate initiatives (issue 14): the same idea entered twice, typed
with or without diacritics. `normalize` makes Vietnamese text comparable."""
