"""Fact-check workbench core: articles, claims, evidence, storage, import, reports, merge."""

__version__ = "0.1.0"
