"""Reference data: programs (phases, subject groups, fields), the organisation
tree, targets and users. `model` is the pure core, `catalog` reads it from
DynamoDB with a per-container cache, `loader` validates data files and writes them."""
