"""Errors that are the user's to fix: printed as one sentence, exit status 2, no traceback."""


class UserError(Exception):
    """A mistake in the command line, config file or database URL, explained in one sentence."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
