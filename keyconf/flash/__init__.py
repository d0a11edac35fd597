"""Flashing firmware onto keyboards: no Qt here; the CLI and the GUI dialog are faces over it.

- `job.flash_firmware(path, …)`: the whole job (check, find/wait, flash, report by events).
- `bootloaders`: the one table of QMK bootloaders (USB ids, file formats, tool, arguments).
- `mcus`: flash/EEPROM sizes, bootloader offsets, UF2 family ids.
- `firmware_file`: reading and checking .hex/.bin/.uf2 files against a target.
- `metadata`: the `<firmware>.keyconf.json` sidecar the compiler writes.
- `detect`: USB (sysfs, pyusb), UF2 and LUFA drives, serial ports, waiting for a bootloader.
- `entry`: entering the bootloader (the device layer's jump, or instructions: QK_BOOT, reset).
- `tools`, `flashers`, `runner`, `progress`: finding the tools, their arguments, running
  them on a pseudo-terminal, and reading their progress.
- `udev`: the Linux udev rule generated from the table; `udev_install`: installing it (pkexec,
  or the sudo commands) and checking the installed copy (`keyconf udev`).
"""
