"""`make demo`: the whole loop once, printed as a user would see it on GitHub."""
