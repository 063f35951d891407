"""Errors a person is meant to read."""


class BlockingError(Exception):
    """A fault that stops a refresh: nothing is published, the last good warehouse stays."""


class UsageError(Exception):
    """The command line or a filter names something that does not exist."""
