"""C string literals from untrusted text: the compiled bytes equal the input, whatever it holds."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyconf.formats.c_literals import (
    c_comment_text,
    c_identifier,
    c_string_literal,
    identifier_part,
    is_c_identifier,
)

GCC = shutil.which("gcc")
needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not installed")

HOSTILE = [
    "",
    '"); system("rm -rf /"); ("',
    "back\\slash at end\\",
    "??=??/??'??(??)??!??<??>??-",
    "???/",
    "line\nbreak\r\n\ttab",
    "*/ /* // comment",
    "\x00nul inside",
    "\x01\x02\x03 send_string control bytes",
    "\x7f delete",
    "octal\x001234 then digits",
    "hex \x1b" + "ABCDEF",
    "naïve café ✓ 😀",
    "#define X 1\n#include <stdio.h>",
    "\\x41\\101",
]


def compiled_bytes(tmp_path: Path, texts: list[str]) -> list[bytes]:
    """Compile a C program holding `texts` as literals; run it; read back each literal's bytes."""
    entries = ",\n".join(
        f"    {{{c_string_literal(text)}, sizeof({c_string_literal(text)}) - 1}}" for text in texts
    )
    source = tmp_path / "literals.c"
    source.write_text(
        "#include <stdio.h>\n"
        "struct entry { const char *text; unsigned long size; };\n"
        f"static const struct entry entries[] = {{\n{entries}\n}};\n"
        "int main(void) {\n"
        "    for (unsigned long i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {\n"
        "        printf(\"%lu:\", entries[i].size);\n"
        "        fwrite(entries[i].text, 1, entries[i].size, stdout);\n"
        "    }\n"
        "    return 0;\n"
        "}\n",
        encoding="ascii",
    )
    program = tmp_path / "literals"
    # -trigraphs: a literal that let "??=" through would change under it; -Werror catches warnings.
    subprocess.run(
        [GCC or "gcc", "-std=c11", "-trigraphs", "-Wall", "-Werror", "-o", str(program), str(source)],
        check=True,
        capture_output=True,
    )
    output = subprocess.run([str(program)], check=True, capture_output=True).stdout
    results = []
    while output:
        size_text, _, rest = output.partition(b":")
        size = int(size_text)
        results.append(rest[:size])
        output = rest[size:]
    return results


@needs_gcc
def test_hostile_strings_compile_to_their_own_bytes(tmp_path: Path) -> None:
    assert compiled_bytes(tmp_path, HOSTILE) == [text.encode("utf-8") for text in HOSTILE]


@needs_gcc
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=30))
def test_any_text_compiles_to_its_own_bytes(tmp_path: Path, texts: list[str]) -> None:
    assert compiled_bytes(tmp_path, texts) == [text.encode("utf-8") for text in texts]


def test_literal_is_plain_printable_ascii() -> None:
    for text in HOSTILE:
        literal = c_string_literal(text)
        assert literal.startswith('"') and literal.endswith('"')
        assert all(" " <= ch <= "~" for ch in literal)
        assert "??" not in literal
        # No unescaped quote can end the literal early.
        body = literal[1:-1]
        index = 0
        while index < len(body):
            if body[index] == "\\":
                index += 2
                continue
            assert body[index] != '"'
            index += 1


def test_octal_escapes_do_not_swallow_following_digits() -> None:
    assert c_string_literal("\x01" + "23") == '"\\00123"'
    assert c_string_literal(b"\xff1") == '"\\3771"'


def test_readable_text_stays_readable() -> None:
    assert c_string_literal('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert c_string_literal("what??") == '"what?\\?"'


def test_identifiers() -> None:
    assert is_c_identifier("_BASE")
    assert c_identifier("TD_ESC") == "TD_ESC"
    for bad in ("", "1abc", "a-b", "int", "while", "a b", "é", "x;y"):
        assert not is_c_identifier(bad)
        with pytest.raises(ValueError):
            c_identifier(bad)
    assert identifier_part("esc / caps!") == "esc_caps"
    assert identifier_part("***") == ""


def test_comment_text_cannot_escape_a_line_comment() -> None:
    for text in ["end\\", "a??/", "two\nlines", "x\r\ny", "*/ evil", "tab\tand ✓"]:
        comment = c_comment_text(text)
        assert "\n" not in comment and "\r" not in comment
        assert "\\" not in comment and "??" not in comment
        assert all(" " <= ch <= "~" for ch in comment)
    assert c_comment_text("x" * 500, 20).endswith("...")
