"""`keyconf udev`: print keyconf's udev rule; `--install` it (with the desktop's password
prompt, or the sudo commands to run); `--check` whether the installed copy is current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, CommandError, Subcommand
from keyconf.flash.udev import INSTALL_DIR, udev_rules_text
from keyconf.flash.udev_install import (
    InstallOutcome,
    RuleStatus,
    install_rule,
    installed_rule,
    udev_needed,
)

NOT_NEEDED = (
    "keyconf udev: not needed on this system: only Linux needs a udev rule before a user may "
    "open keyboards and bootloaders"
)
AFTERWARDS = "if keyconf still cannot open the keyboard, unplug it and plug it in again"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--install",
        action="store_true",
        help=f"install the rule into {INSTALL_DIR} (asks for the administrator password through "
        "pkexec, or prints the sudo commands to run) and reload udev",
    )
    action.add_argument(
        "--check", action="store_true", help="tell whether the installed rule is this keyconf's (exit 1 if not)"
    )
    parser.add_argument(
        "--rules-dir",
        metavar="DIR",
        type=Path,
        help=f"with --install/--check: use DIR instead of udev's folders (default {INSTALL_DIR}; "
        "for packaging into a staging folder)",
    )
    parser.add_argument(
        "--no-prompt", action="store_true", help="with --install: never ask for a password, print the sudo commands"
    )


def run(args: argparse.Namespace) -> int:
    if args.install:
        return _install(args)
    if args.check:
        return _check(args)
    if not udev_needed():
        print(NOT_NEEDED, file=sys.stderr)
    sys.stdout.write(udev_rules_text())
    return EXIT_OK


def _install(args: argparse.Namespace) -> int:
    if not udev_needed() and args.rules_dir is None:
        print(NOT_NEEDED)
        return EXIT_OK
    result = install_rule(args.rules_dir or Path(INSTALL_DIR), allow_pkexec=not args.no_prompt)
    if result.outcome is InstallOutcome.ALREADY_CURRENT:
        print(f"{result.target} is installed and current; nothing to do")
        return EXIT_OK
    if result.outcome is InstallOutcome.INSTALLED:
        print(f"installed {result.target}" + ("; udev reloaded its rules" if result.reloaded else ""))
        if result.detail:
            print(f"keyconf: warning: {result.detail}", file=sys.stderr)
        print(AFTERWARDS)
        return EXIT_OK
    lead = "not installed" if result.outcome is InstallOutcome.MANUAL else "installing failed"
    print(f"keyconf udev: {lead}: {result.detail}", file=sys.stderr)
    print("To install the rule, run:")
    for command in result.commands:
        print(f"  {command}")
    print(f"then {AFTERWARDS}.")
    return EXIT_PROBLEMS


def _check(args: argparse.Namespace) -> int:
    if not udev_needed() and args.rules_dir is None:
        print(NOT_NEEDED)
        return EXIT_OK
    found = installed_rule([args.rules_dir]) if args.rules_dir else installed_rule()
    if found.status is RuleStatus.CURRENT:
        print(f"{found.path}: current")
        return EXIT_OK
    if found.status is RuleStatus.OUTDATED:
        for line in found.diff:
            print(line)
        raise CommandError(
            f"{found.path} differs from this keyconf's rule (diff above)",
            EXIT_PROBLEMS,
            hint="keyconf udev --install",
        )
    where = str(args.rules_dir) if args.rules_dir else "udev's rule folders"
    raise CommandError(
        f"keyconf's udev rule is not installed (looked in {where})",
        EXIT_PROBLEMS,
        hint="keyconf udev --install",
    )


COMMAND = Subcommand(
    name="udev",
    help="print, install or check the Linux udev rule that lets you use keyboards without root",
    add_arguments=add_arguments,
    run=run,
    description="Linux lets only root open keyboards' raw HID interfaces and QMK bootloaders until a "
    "udev rule grants them to the logged-in user. Without options, print keyconf's rule (generated from "
    "its bootloader table). Exit status: 0 ok, 1 not installed / out of date, 2 usage error.",
)
