"""`make bench`: mldebt measured against its limits, each figure beside a baseline from the same run.

Plain scripts, one table. Figures never fail the run: a missed target is
marked in the table and explained in the report, not asserted.
"""
