"""The one error of every question file reader (its message names the file and line)."""


class QuestionFileError(ValueError):
    """A question file or bank that cannot be used."""
