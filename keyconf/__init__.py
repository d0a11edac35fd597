"""keyconf: a desktop keyboard layout configurator for QMK keyboards."""

__version__ = "0.1.0"

# The reverse-DNS application id: the name of the desktop entry, the AppStream component
# and the icon (packaging/linux/, resources/icons/); Qt's desktopFileName on Wayland.
APP_ID = "io.github.keyconf.Keyconf"

# The simulated keyboards `--demo BOARD` offers (the first is the default); the device layer
# makes them (keyconf.device.demo). Here so that reading the command line imports no device code.
DEMO_BOARDS = ("planck", "vial")
