"""keyconf: a desktop keyboard layout configurator for QMK keyboards."""

__version__ = "0.1.0"
