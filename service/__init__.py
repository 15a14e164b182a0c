"""ClaimTrace: summarize news articles and attribute every claim to its source, offline."""
__version__ = "0.1.0"
