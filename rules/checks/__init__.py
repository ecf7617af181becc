"""One module per rule. `rules.catalog` imports them all."""
