"""The version of ictindex, in one place (the package, the CLI and the output manifest read it here)."""

__version__ = "0.1.0"
