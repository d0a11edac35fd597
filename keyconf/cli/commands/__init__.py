"""One module per `keyconf` subcommand; each defines ``COMMAND: Subcommand``."""
