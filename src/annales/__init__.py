"""Annales: sourced, dated, deduplicated chronologies of political and military events from news."""
__version__ = "0.1.0"

__all__ = ["__version__"]
