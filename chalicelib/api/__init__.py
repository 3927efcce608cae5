"""HTTP surfaces, one blueprint per area."""
