"""Vietnamese news reports on meetings with associations → facts → SQLite → Datasette."""

__version__ = "0.1.0"
