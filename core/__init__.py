"""What the receiver (`bot/`) and the workers (`workers/`) share: settings, Redis keys, jobs, logging, worker metrics.

It imports neither side, so the receiver never loads worker code and the workers never load the receiver.
"""
