"""mldebt's rule engine: text in, findings out. Knows nothing of GitHub or Redis."""

from rules.config import Config, load_config
from rules.engine import ChangedFile, FileNote, ReviewInput, ScanResult, scan
from rules.finding import Finding, Severity

__all__ = ["ChangedFile", "Config", "FileNote", "Finding", "ReviewInput", "ScanResult", "Severity", "load_config", "scan"]
