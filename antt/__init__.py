"""ANTT — security and public order ("an ninh, trật tự") targets, CompStat and reports."""

__version__ = "0.1.0"
