"""The one exception the engine raises for bad configuration or input."""


class EngineError(ValueError):
    """A bad argument: `field` names it (e.g. "params.W2"), the message says what was expected."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
