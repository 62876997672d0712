"""detplug's error types. Each one means bad input, not a bug: its message names the
file, key or value at fault, and the tools print it as one line (``plugins.cli.run``)."""


class ConfigError(ValueError):
    """A config key or value a component cannot take: unknown or missing keys (checked
    against the constructor when the registry builds it), or a value out of range."""


class DataError(ValueError):
    """Bad input data; the message names the file and the offending entry."""


class CheckpointError(ValueError):
    """A checkpoint that cannot or must not be loaded; the message names the file."""


class NonFiniteLossError(FloatingPointError):
    """Training stopped on a NaN or infinite loss."""


ERRORS = (ConfigError, DataError, CheckpointError, NonFiniteLossError)
