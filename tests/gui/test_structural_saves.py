"""The window's structural edits save surgically: a hand-commented file keeps its comments."""

from __future__ import annotations

from keyconf.formats.yaml_layout import load_layout
from keyconf.model.layout import Macro, MacroStep


def comment_lines(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


def test_layer_and_macro_edits_in_the_window_keep_comments(window, qtbot, layout_file):
    text = layout_file.read_text()
    text = text.replace("  nav:\n", "\n  # numbers and arrows\n  nav:\n", 1)
    text = text.replace("  adjust:\n", "  # keyboard settings\n  adjust:   # reached from nav and sym\n", 1)
    text += "\nmacros:\n  # my email\n  - \"me@example.com\"\n"
    layout_file.write_text(text)
    window.open_path(layout_file)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    doc, panel = window.doc, window.layers_panel
    doc.set_keys(0, {0: "MO(3)"}, "a numeric reference to adjust")
    window.selection.set_layer(1)
    panel.add_layer()  # after nav
    added = doc.layout.layers[2].name
    assert panel.rename_to(2, "mouse")
    window.selection.set_layer(2)
    panel.move_layer(1)  # mouse after sym
    assert doc.layout.layer_names == ["base", "nav", "sym", "mouse", "adjust"]
    assert doc.layout.layers[0].keys[0] == "MO(4)"  # still adjust
    doc.replace_feature("macros", [*doc.layout.macros, Macro([MacroStep("text", "bye")])], "Add macro")
    window.save()
    qtbot.waitUntil(lambda: not doc.is_modified, timeout=10000)
    saved = layout_file.read_text()
    assert comment_lines(saved) == comment_lines(text)
    assert "\n\n  # numbers and arrows\n  nav:\n" in saved
    assert "  # keyboard settings\n  adjust:   # reached from nav and sym\n" in saved
    assert '  # my email\n  - "me@example.com"\n' in saved
    reread = load_layout(layout_file).layout
    assert reread.layer_names == ["base", "nav", "sym", "mouse", "adjust"] and added != "mouse"
    assert reread.layers[0].keys[0] == "MO(4)"
    assert [m.steps for m in reread.macros][-1] == [MacroStep("text", "bye")]
