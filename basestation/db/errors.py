"""The database's one error type, importable without loading the database libraries
(the command line names it before it knows whether a command needs a database)."""


class StoreError(Exception):
    """The database cannot be opened, read or written."""
