"""RQ jobs: fetch what a PR changed, run `rules/`, report to GitHub."""
