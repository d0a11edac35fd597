"""A layout that builds for another controller (`converter:`, `bootloader:`) goes through the window
unchanged, and the Build dialog says which controller it builds for."""

from __future__ import annotations

from keyconf.formats.yaml_layout import load_layout
from keyconf.gui.build_dialog import BuildDialog


def test_controller_round_trips_through_an_edit_and_save(window, qtbot, layout_file):
    text = layout_file.read_text()
    head, _, rest = text.partition("\nlayers:")
    layout_file.write_text(head + "\nconverter: rp2040_ce\nbootloader: rp2040\nlayers:" + rest)
    window.open_path(layout_file)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    doc = window.doc
    assert (doc.layout.converter, doc.layout.bootloader) == ("rp2040_ce", "rp2040")
    assert doc.set_keys(0, {0: "KC_ESC" if doc.key_text(0, 0) != "KC_ESC" else "KC_TAB"}, "change a key")
    window.save()
    qtbot.waitUntil(lambda: not doc.is_modified, timeout=10000)
    saved = layout_file.read_text()
    assert "\nconverter: rp2040_ce\nbootloader: rp2040\n" in saved
    assert (load_layout(layout_file).layout.converter, load_layout(layout_file).layout.bootloader) == \
        ("rp2040_ce", "rp2040")

    dialog = BuildDialog(layout=doc.layout, source_path=str(layout_file), autostart=False)
    qtbot.addWidget(dialog)
    assert "controller <b>rp2040_ce</b>" in dialog.heading.text()
    assert "bootloader <b>rp2040</b>" in dialog.heading.text()
