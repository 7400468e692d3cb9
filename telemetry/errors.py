"""One error type for problems the user can fix: the CLI prints its message as one line."""


class UserError(Exception):
    """A clear, one-line, secret-free message; exit code 1 unless told otherwise."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
