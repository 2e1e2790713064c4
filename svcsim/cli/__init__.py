"""The command line: a thin skin over the library. See ``svcsim --help``."""

from svcsim.cli.main import cli

__all__ = ["cli"]
