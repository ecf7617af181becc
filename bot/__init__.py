"""The webhook receiver: verify, decide, enqueue, answer fast. No GitHub calls here."""
