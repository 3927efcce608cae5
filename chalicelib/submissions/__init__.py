"""Entering an initiative: rules (pure), identifiers, and the store adapter."""
