"""The ``office-tui`` subcommands, one module per area; each has ``register(sub, common)``."""
