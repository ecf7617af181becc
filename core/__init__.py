"""What the receiver (`bot/`) and the workers (`workers/`) share: settings, Redis keys, jobs, logging and
the workers' metrics. It imports neither side, so neither loads the other's code.
"""
