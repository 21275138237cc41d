"""Regression tests, one file per defect of an engine that a saved question works around."""
