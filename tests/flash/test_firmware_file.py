from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyconf.flash import bootloaders, mcus
from keyconf.flash.bootloaders import FirmwareFormat
from keyconf.flash.firmware_file import (
    FirmwareError,
    Target,
    check_eeprom_file,
    check_for_target,
    parse_intel_hex,
    read_firmware,
    sniff_format,
)
from tests.flash.firmware_factory import arm_image, avr_program, hex_record, intel_hex, uf2

RP2040 = mcus.UF2_FAMILIES["RP2040"]
STM32F4 = mcus.UF2_FAMILIES["STM32F4"]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="ascii")
    else:
        path.write_bytes(data)
    return path


def target(bootloader: str, mcu: str | None, families: tuple[int, ...] = ()) -> Target:
    return Target(bootloaders.get(bootloader), mcus.find(mcu), families)


# ------------------------------------------------------------------ Intel HEX


def test_well_formed_hex_reads_back_the_same_bytes(tmp_path: Path) -> None:
    program = avr_program(5000)
    firmware = read_firmware(write(tmp_path, "fw.hex", intel_hex(program)))
    assert firmware.format is FirmwareFormat.HEX
    assert firmware.hex is not None
    assert [(s.address, s.data) for s in firmware.hex.segments] == [(0, program)]
    assert firmware.hex.blocks_used(128) == 40  # ceil(5000 / 128)
    assert firmware.describe().startswith("Intel HEX, 5000 bytes")


def test_hex_with_extended_linear_addresses(tmp_path: Path) -> None:
    image = arm_image(70000)  # crosses a 64 KiB boundary above 0x08000000
    firmware = read_firmware(write(tmp_path, "fw.hex", intel_hex(image, base=0x08000000)))
    assert firmware.hex is not None
    assert firmware.hex.lowest == 0x08000000
    assert firmware.hex.highest_end == 0x08000000 + 70000
    assert len(firmware.hex.segments) == 1


@given(st.binary(min_size=1, max_size=600), st.integers(0, 0x1FFFF), st.sampled_from([8, 16, 32]))
@settings(max_examples=60, deadline=None)
def test_any_image_round_trips_through_intel_hex(data: bytes, base: int, record: int) -> None:
    image = parse_intel_hex(intel_hex(data, base, record).encode(), Path("x.hex"))
    assert [(s.address, s.data) for s in image.segments] == [(base, data)]


def _corrupt(line_no: int, new_line: str) -> str:
    lines = intel_hex(avr_program(64)).splitlines()
    lines[line_no - 1] = new_line
    return "\n".join(lines) + "\n"


def test_checksum_error_names_line_and_column(tmp_path: Path) -> None:
    good = intel_hex(avr_program(64)).splitlines()[2]  # line 3: a data record
    bad = good[:-2] + ("00" if good[-2:] != "00" else "01")
    path = write(tmp_path, "fw.hex", _corrupt(3, bad))
    with pytest.raises(FirmwareError) as info:
        read_firmware(path)
    assert info.value.line == 3
    assert info.value.column == len(bad) - 1
    assert "checksum" in info.value.message
    assert str(info.value).startswith(f"{path}:3:")
    assert "rebuild" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("line", "expected", "column"),
    [
        ("10000000ZZ", "must start with ':'", 1),
        (":1000000G0C940000", "is not a hex digit", 9),
        (":100000000C9434000C9434000C9434000C943400F", "odd number of hex digits", None),
        (":100000000C9434000C9434000C94340088", "record says 16 data bytes but holds", 2),
        (":00000006FA", "unknown record type 06", 8),
        (":00", "record too short", 1),
    ],
)
def test_malformed_records(tmp_path: Path, line: str, expected: str, column: int | None) -> None:
    with pytest.raises(FirmwareError) as info:
        read_firmware(write(tmp_path, "fw.hex", _corrupt(2, line)))
    assert expected in info.value.message
    assert info.value.line == 2
    if column is not None:
        assert info.value.column == column


def test_missing_end_of_file_record(tmp_path: Path) -> None:
    text = intel_hex(avr_program(64)).replace(":00000001FF\n", "")
    with pytest.raises(FirmwareError, match="no end-of-file record"):
        read_firmware(write(tmp_path, "fw.hex", text))


def test_data_after_end_of_file(tmp_path: Path) -> None:
    text = intel_hex(avr_program(32)) + hex_record(0, 0x100, b"\x01\x02") + "\n"
    with pytest.raises(FirmwareError) as info:
        read_firmware(write(tmp_path, "fw.hex", text))
    assert "after the end-of-file record" in info.value.message


def test_overlapping_records(tmp_path: Path) -> None:
    text = hex_record(0, 0, b"\x00" * 16) + "\n" + hex_record(0, 8, b"\x01" * 16) + "\n:00000001FF\n"
    with pytest.raises(FirmwareError) as info:
        read_firmware(write(tmp_path, "fw.hex", text))
    assert "overlaps data from line 1" in info.value.message
    assert info.value.line == 2


def test_hex_without_data(tmp_path: Path) -> None:
    with pytest.raises(FirmwareError, match="no data records"):
        read_firmware(write(tmp_path, "fw.hex", ":00000001FF\n"))


def test_non_ascii_hex(tmp_path: Path) -> None:
    data = intel_hex(avr_program(512)).encode()
    data = data[:100] + "é".encode() + data[100:]  # inside line 3
    with pytest.raises(FirmwareError) as info:
        read_firmware(write(tmp_path, "fw.hex", data))
    assert info.value.line == 3
    assert "non-ASCII" in info.value.message


# ------------------------------------------------------------------ file level


def test_missing_empty_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FirmwareError, match="no such file"):
        read_firmware(tmp_path / "nope.bin")
    with pytest.raises(FirmwareError, match="empty"):
        read_firmware(write(tmp_path, "empty.bin", b""))
    with pytest.raises(FirmwareError, match="folder"):
        read_firmware(tmp_path)


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("fw.bin", lambda: intel_hex(avr_program(64)).encode(), "bin"),
        ("fw.hex", lambda: uf2(b"\x00" * 512, 0x10000000, RP2040), "hex"),
        ("fw.uf2", lambda: arm_image(1024), "uf2"),
    ],
)
def test_extension_must_match_content(tmp_path: Path, name: str, content, claimed: str) -> None:
    with pytest.raises(FirmwareError) as info:
        read_firmware(write(tmp_path, name, content()))
    assert f"the name says .{claimed}" in info.value.message


def test_sniffing() -> None:
    assert sniff_format(b":020000040800F2\n") is FirmwareFormat.HEX
    assert sniff_format(uf2(b"\x00" * 10, 0, None)) is FirmwareFormat.UF2
    assert sniff_format(arm_image(64)) is FirmwareFormat.BIN
    assert sniff_format(b":" + bytes(range(256))) is FirmwareFormat.BIN  # starts with ':' but is binary


# ------------------------------------------------------------------ UF2


def test_well_formed_uf2(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.uf2", uf2(b"\xab" * 1000, 0x10000000, RP2040)))
    assert firmware.uf2 is not None
    assert firmware.uf2.block_count == 4
    assert firmware.uf2.family_ids == (RP2040,)
    assert (firmware.uf2.lowest, firmware.uf2.highest_end) == (0x10000000, 0x10000000 + 1000)
    assert check_for_target(firmware, target("rp2040", "RP2040")) == []


def test_uf2_cut_short(tmp_path: Path) -> None:
    data = uf2(b"\xab" * 1000, 0x10000000, RP2040)
    with pytest.raises(FirmwareError, match="whole 512-byte blocks"):
        read_firmware(write(tmp_path, "a.uf2", data[:-100]))
    with pytest.raises(FirmwareError, match="says 4 in all but the file holds 3|blocks say 4"):
        read_firmware(write(tmp_path, "b.uf2", data[:-512]))


def test_uf2_bad_magic_names_the_block(tmp_path: Path) -> None:
    data = bytearray(uf2(b"\xab" * 1000, 0x10000000, RP2040))
    data[2 * 512 + 508] ^= 0xFF  # end magic of block 2
    with pytest.raises(FirmwareError, match=r"block 2 \(byte 1024\): bad UF2 magic"):
        read_firmware(write(tmp_path, "fw.uf2", bytes(data)))


def test_uf2_misnumbered_block(tmp_path: Path) -> None:
    data = bytearray(uf2(b"\xab" * 1000, 0x10000000, RP2040))
    struct.pack_into("<I", data, 512 + 20, 7)
    with pytest.raises(FirmwareError, match="block 1 .* is numbered 7"):
        read_firmware(write(tmp_path, "fw.uf2", bytes(data)))


def test_uf2_family_must_match_the_board(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.uf2", uf2(b"\xab" * 600, 0x08010000, STM32F4)))
    with pytest.raises(FirmwareError) as info:
        check_for_target(firmware, target("rp2040", "RP2040"))
    assert "STM32F4 (0x57755a57)" in info.value.message and "RP2040 (0xe48bff56)" in info.value.message
    # the drive's own INFO_UF2.TXT families count too
    assert check_for_target(firmware, target("tinyuf2", "STM32F411", (STM32F4,))) == []


def test_uf2_without_family_is_a_warning(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.uf2", uf2(b"\xab" * 600, 0x10000000, None)))
    warnings = check_for_target(firmware, target("rp2040", "RP2040"))
    assert any("no family id" in w for w in warnings)


# ------------------------------------------------------------------ against the target


def test_wrong_format_for_the_bootloader(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.hex", intel_hex(avr_program(100))))
    with pytest.raises(FirmwareError) as info:
        check_for_target(firmware, target("stm32-dfu", "STM32F303"))
    assert info.value.message == "the STM32 DFU bootloader takes .bin files, not .hex"


def test_hex_too_big_for_caterina_but_fine_for_isp(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.hex", intel_hex(avr_program(28 * 1024 + 2))))
    with pytest.raises(FirmwareError) as info:
        check_for_target(firmware, target("caterina", "atmega32u4"))
    assert "2 bytes past the end of the application flash" in info.value.message
    assert "28672 bytes free behind the Caterina (Pro Micro) bootloader on atmega32u4" in info.value.message
    assert check_for_target(firmware, target("usbtinyisp", "atmega32u4")) == []


def test_exactly_full_flash_is_accepted(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.hex", intel_hex(avr_program(28 * 1024))))
    assert check_for_target(firmware, target("atmel-dfu", "atmega32u4")) == []


def test_bin_with_a_good_vector_table(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.bin", arm_image(40000)))
    assert check_for_target(firmware, target("stm32-dfu", "STM32F303")) == []


def test_bin_too_big(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.bin", arm_image(129 * 1024)))
    with pytest.raises(FirmwareError, match="past the end"):
        check_for_target(firmware, target("stm32-dfu", "STM32F072"))


def test_bin_that_is_not_arm_firmware_is_refused_but_forcible(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.bin", b"PK\x03\x04" + bytes(2000)))
    with pytest.raises(FirmwareError) as info:
        check_for_target(firmware, target("stm32-dfu", "STM32F411"))
    assert "stack pointer" in info.value.message and info.value.forcible


def test_bin_linked_for_another_bootloader_offset(tmp_path: Path) -> None:
    # linked at 0x08000000 (stm32-dfu) but flashed behind stm32duino, whose apps start at 0x08002000
    firmware = read_firmware(write(tmp_path, "fw.bin", arm_image(20000, reset=0x08000131)))
    with pytest.raises(FirmwareError) as info:
        check_for_target(firmware, target("stm32duino", "STM32F103"))
    assert "reset vector 0x08000131" in info.value.message
    assert "linked for a different bootloader" in (info.value.hint or "")
    good = read_firmware(write(tmp_path, "ok.bin", arm_image(20000, reset=0x08002131)))
    assert check_for_target(good, target("stm32duino", "STM32F103")) == []


def test_unknown_mcu_is_a_warning_not_a_refusal(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "fw.bin", arm_image(1000)))
    warnings = check_for_target(firmware, target("stm32-dfu", None))
    assert any("MCU is unknown" in w for w in warnings)


def test_raw_binary_without_extension_warns(tmp_path: Path) -> None:
    firmware = read_firmware(write(tmp_path, "firmware", arm_image(100)))
    assert firmware.format is FirmwareFormat.BIN
    assert firmware.warnings and "no .bin/.hex/.uf2 extension" in firmware.warnings[0]


def test_eeprom_image_checks(tmp_path: Path) -> None:
    good = write(tmp_path, "reset.eep", intel_hex(b"\x00" * 1024))
    assert check_eeprom_file(good, mcus.find("atmega32u4")).data_size == 1024
    big = write(tmp_path, "big.eep", intel_hex(b"\x00" * 1025))
    with pytest.raises(FirmwareError, match="past the 1024 bytes of EEPROM on atmega32u4"):
        check_eeprom_file(big, mcus.find("atmega32u4"))
    with pytest.raises(FirmwareError, match="must be an Intel HEX"):
        check_eeprom_file(write(tmp_path, "e.bin", b"\x00" * 8), None)
