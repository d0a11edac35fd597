"""bench/keymap_c_firmware_equivalence.py reads keymaps[] out of AVR, ARM and RISC-V firmware alike: from
the ELF file's own symbol and section tables, with each platform's compiler building a real object here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import keymap_c_firmware_equivalence as bench  # noqa: E402

SOURCE = """
const unsigned short keymaps[2][3] = {{0x0004, 0x5220, 0x7E40}, {0x0001, 0x0000, 0xABCD}};
const unsigned short other[2] = {0xFFFF, 0xFFFF};
unsigned short scratch[4];
"""
WORDS = [0x0004, 0x5220, 0x7E40, 0x0001, 0x0000, 0xABCD]


@pytest.mark.parametrize("compiler", ["gcc", "avr-gcc", "arm-none-eabi-gcc"])
def test_keymaps_are_read_from_an_object_of_each_platform(compiler: str, tmp_path: Path) -> None:
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    (tmp_path / "keymap.c").write_text(SOURCE)
    extra = ["-mmcu=atmega32u4"] if compiler == "avr-gcc" else ["-mcpu=cortex-m0plus", "-mthumb"] \
        if compiler.startswith("arm") else []  # fmt: skip
    command = [compiler, *extra, "-O1", "-fno-common", "-c", "keymap.c", "-o", "keymap.o"]
    subprocess.run(command, cwd=tmp_path, check=True)
    data = bench.keymaps_bytes(tmp_path / "keymap.o")
    assert bench.words(data) == WORDS
    assert bench.symbol_bytes(tmp_path / "keymap.o", "scratch") == bytes(8)  # .bss: zeros, not file bytes
    with pytest.raises(LookupError, match="no symbol missing"):
        bench.symbol_bytes(tmp_path / "keymap.o", "missing")


def test_the_size_of_an_arm_build_is_read_from_the_size_table(tmp_path: Path) -> None:
    """ARM builds print no size check: the size is that of the flashable file, as `size` prints it."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    (tmp_path / "keymap.c").write_text(SOURCE)
    subprocess.run(["arm-none-eabi-gcc", "-mthumb", "-c", "keymap.c", "-o", "keymap.elf"], cwd=tmp_path, check=True)
    log = ("Linking: .build/zsa_voyager_mine.elf [OK]\n\nSize after:\n   text\t   data\t    bss\t    dec\t    hex\t"
           "filename\n      0\t  58410\t      0\t  58410\t   e42a\tzsa_voyager_mine.bin\n")
    built = bench.program(tmp_path / "keymap.elf", log)
    assert built.size == 58410 and built.limit is None and bench.words(built.keymaps or b"") == WORDS
    # QMK's RP2040 builds print no size: the ELF's loaded sections say it (here the two constant arrays).
    rp2040 = bench.program(tmp_path / "keymap.elf", "Creating UF2 file for deployment: .build/x.uf2 [OK]\n")
    assert rp2040.size == bench.image_size(tmp_path / "keymap.elf") == 12 + 4


def test_the_corpus_picks_boards_by_platform() -> None:
    assert bench.on_platform("atmega32u4", "avr") and not bench.on_platform("atmega32u4", "arm")
    assert bench.on_platform("STM32F303", "arm") and not bench.on_platform("STM32F303", "rp2040")
    assert bench.on_platform("RP2040", "arm") and bench.on_platform("RP2040", "rp2040")
    assert bench.on_platform("RP2040", "all") and not bench.on_platform(None, "all")


def test_a_size_difference_is_told_by_the_symbols_that_make_it(tmp_path: Path) -> None:
    """Two builds' sizes differ: the bench names the functions and data one has and the other lacks, by the
    QMK feature they belong to, biggest first."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    (tmp_path / "a.c").write_text(SOURCE)
    (tmp_path / "b.c").write_text(SOURCE + "const unsigned char mousekey_table[40] = {1};\n"
                                  "int mousekey_task(int x) { return x * 3 + mousekey_table[x]; }\n")
    for name in ("a", "b"):
        subprocess.run(["gcc", "-O1", "-fno-common", "-c", f"{name}.c", "-o", f"{name}.o"], cwd=tmp_path, check=True)
    original, mine = bench.elf_symbols(tmp_path / "a.o"), bench.elf_symbols(tmp_path / "b.o")
    assert original["keymaps"] == 12 and "scratch" not in original  # .bss is RAM only: not in the image
    assert mine["mousekey_table"] == 40 and "mousekey_task" in mine
    cause = bench.size_causes(original, mine)
    assert cause.startswith(f"+{40 + mine['mousekey_task']} MOUSEKEY_ENABLE: mouse keys (mousekey_table +40")
    assert bench.size_causes(mine, mine) == ""
