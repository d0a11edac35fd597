"""`keyconf render` draws any importable layout headless."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.cli.main import main

DATA = Path(__file__).parents[1] / "formats" / "data" / "interchange"


def test_render_a_via_save_to_svg_and_pdf(qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    svg = tmp_path / "corne.svg"
    assert main(["render", str(DATA / "corne.layout.json"), "-o", str(svg), "--layers", "layer0,layer1"]) == 0
    assert "2 layer(s)" in capsys.readouterr().out
    assert "<svg" in svg.read_text()[:300]
    pdf = tmp_path / "corne.pdf"
    assert main(["render", str(DATA / "corne.layout.json"), "-o", str(pdf), "--theme", "dark"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_render_errors(qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(DATA / "corne.layout.json"), "-o", str(tmp_path / "x.svg"), "--layers", "nope"]) == 1
    assert "no layer named nope" in capsys.readouterr().err
    assert main(["render", str(DATA / "corne.layout.json"), "-o", str(tmp_path / "x.bmp")]) == 1
    assert ".svg, .png or .pdf" in capsys.readouterr().err
