"""Shared code of lpusim's user-facing scripts (sweep, plot, validate, regress, campaigns)."""
