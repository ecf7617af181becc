"""ghsim: a GitHub API simulator on loopback HTTP for testing GitHub Apps.

See :class:`ghsim.simulator.SimulatedGitHub` for the entry point and
:mod:`ghsim.payloads` for webhook payload builders.
"""

from ghsim import payloads
from ghsim.faults import Fault
from ghsim.repository import PullRequest, Repo
from ghsim.server import Call
from ghsim.simulator import SimulatedGitHub

__all__ = ["Call", "Fault", "PullRequest", "Repo", "SimulatedGitHub", "payloads"]
