"""Imports every rule module so that registration happens in one known place."""

from rules.checks import suppression_without_reason  # noqa: F401
