"""Progress parsers on recorded tool output (see fixtures/README.md), fed in uneven pieces
as a pipe or terminal would deliver them."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from keyconf.flash.progress import (
    AvrdudeProgress,
    BootloadHidProgress,
    DfuProgrammerProgress,
    DfuUtilProgress,
    MdloaderProgress,
    ProgressParser,
    TeensyProgress,
    Wb32Progress,
)
from tests.flash.fakes import fixture_bytes


def replay(parser: ProgressParser, name: str, seed: int = 0) -> list[int]:
    """Feed a fixture in random 1..80-byte pieces; return every percent seen."""
    text = fixture_bytes(name).decode("utf-8")
    rng = random.Random(seed)
    seen = []
    position = 0
    while position < len(text):
        size = rng.randint(1, 80)
        parser.feed(text[position : position + size])
        position += size
        seen.append(parser.percent)
    return seen


def assert_progress(seen: list[int], *, final: int, middle: bool = True) -> None:
    assert seen == sorted(seen), "progress went backwards"
    assert seen[-1] == final
    if middle:
        assert any(10 < p < 90 for p in seen), f"no intermediate progress in {sorted(set(seen))}"


CASES: list[tuple[str, Callable[[], ProgressParser]]] = [
    ("dfu_util_dfuse.out", DfuUtilProgress),
    ("dfu_util_stm32duino.out", DfuUtilProgress),
    ("avrdude_caterina_tty.out", AvrdudeProgress),
    ("avrdude_caterina_pipe.out", AvrdudeProgress),
    ("dfu_programmer_flash.out", DfuProgrammerProgress),
    ("teensy_loader_cli.out", lambda: TeensyProgress(expected_blocks=206)),
    ("hid_bootloader_cli.out", TeensyProgress),  # no block count given: estimated from "Read …"
    ("bootloadhid.out", BootloadHidProgress),
    ("wb32_dfu_updater.out", Wb32Progress),
]


@pytest.mark.parametrize(("fixture", "factory"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("seed", [0, 1])
def test_successful_runs_reach_100(fixture: str, factory: Callable[[], ProgressParser], seed: int) -> None:
    parser = factory()
    seen = replay(parser, fixture, seed)
    # the pipe recording carries whole bars per line, so no middle values inside one step
    assert_progress(seen, final=100, middle=fixture != "avrdude_caterina_pipe.out")


def test_dfu_util_erase_then_download_phases() -> None:
    parser = DfuUtilProgress()
    text = fixture_bytes("dfu_util_dfuse.out").decode()
    erase_end = text.index("Erase    done.")
    parser.feed(text[:erase_end])
    assert parser.phase == "erasing" and parser.percent == 30
    download = text.index("Download\t[=============")
    parser.feed(text[erase_end : download + 30])
    assert parser.phase == "writing" and 30 < parser.percent < 100


def test_avrdude_counts_hashes_without_a_terminal() -> None:
    parser = AvrdudeProgress()
    parser.feed("avrdude: writing 26328 bytes flash ...\n\nWriting | " + "#" * 25)
    assert parser.phase == "writing"
    assert parser.percent == 5 + int(0.95 * 0.7 * 0.5 * 100)  # half of the write share
    parser.feed("#" * 25 + " | 100% 2.11s\n\navrdude: 26328 bytes of flash written\n")
    parser.feed("\nReading | " + "#" * 50 + " | 100% 0.02s\n\navrdude: 26328 bytes of flash verified\n")
    assert parser.percent == 100


def test_avrdude_with_eeprom_gives_each_memory_a_share() -> None:
    parser = AvrdudeProgress(memories=2)
    parser.feed("Writing | " + "#" * 50 + " | 100% 1.0s\n")
    first = parser.percent
    parser.feed("Reading | " + "#" * 50 + " | 100% 0.1s\navrdude: 100 bytes of flash verified\n")
    half = parser.percent
    parser.feed("Writing | " + "#" * 50 + " | 100% 0.3s\nReading | " + "#" * 50 + " | 100% 0.1s\n")
    assert first < half < parser.percent
    assert 45 <= half <= 55


def test_dfu_programmer_bar_counts_arrows() -> None:
    parser = DfuProgrammerProgress()
    parser.feed("0%                            100%  Programming 0x6700 bytes...\n[" + ">" * 16)
    assert parser.phase == "writing" and parser.percent == 30
    parser.feed(">" * 16 + "]  Success\n0%                            100%  Reading 0x7000 bytes...\n[")
    assert parser.percent == 60 and parser.phase == "verifying"


def test_dfu_programmer_erase_run_completes() -> None:
    parser = DfuProgrammerProgress()
    replay(parser, "dfu_programmer_erase.out")
    assert parser.percent == 100


def test_teensy_dots_against_expected_blocks() -> None:
    parser = TeensyProgress(expected_blocks=100)
    parser.feed("Found HalfKay Bootloader\nProgramming" + "." * 50)
    assert parser.percent == int((0.02 + 0.96 * 0.5) * 100)


def test_mdloader_milestones() -> None:
    parser = MdloaderProgress()
    seen = replay(parser, "mdloader.out")
    assert seen == sorted(seen) and seen[-1] == 100
    assert 20 in seen or 15 in seen  # "Writing firmware…" reached before "Complete!"


@pytest.mark.parametrize(
    ("fixture", "factory"),
    [
        ("dfu_util_no_device.out", DfuUtilProgress),
        ("dfu_programmer_no_device.out", DfuProgrammerProgress),
        ("teensy_loader_cli_no_device.out", TeensyProgress),
        ("avrdude_no_port.out", AvrdudeProgress),
    ],
)
def test_failed_runs_stay_at_zero(fixture: str, factory: Callable[[], ProgressParser]) -> None:
    parser = factory()
    assert replay(parser, fixture)[-1] == 0


def test_generic_parser_reads_percentages() -> None:
    parser = ProgressParser()
    parser.feed("step 1 of 2: 40%\rstep 2 of 2: 30%\n")
    assert parser.percent == 40  # never backwards
    parser.finish(True)
    assert parser.percent == 100


def test_output_read_in_one_piece_still_shows_every_step_the_tool_drew() -> None:
    """A busy machine may hand the runner the tool's whole output at once: feed() says the
    fraction after each segment, so the steps are the same as when it arrives piece by piece."""
    whole = DfuUtilProgress().feed(fixture_bytes("dfu_util_dfuse.out").decode("utf-8"))
    fractions = [fraction for fraction, _ in whole]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len({int(f * 100) for f in fractions}) >= 10
    assert {phase for _, phase in whole} >= {"erasing", "writing", "done"}
