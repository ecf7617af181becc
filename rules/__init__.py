"""mldebt's rule engine: text in, findings out. Knows nothing of GitHub or Redis.

The engine is `rules.engine.scan`. This package imports nothing itself, so a
light module of it (`rules.pr_body`) costs its importer no libcst and no rules.
"""
