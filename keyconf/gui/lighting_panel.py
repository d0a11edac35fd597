"""Lighting controls for the connected keyboard: one group per lighting channel it has.

Dragging a slider sends only the latest value once the hand rests (a short coalescing
timer), through the device worker; "Save" makes the channel's settings survive a replug.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from keyconf.device.lighting import (
    BRIGHTNESS,
    CHANNEL_LABELS,
    CHANNEL_VALUES,
    CLICKY,
    COLOR,
    EFFECT,
    EFFECT_SPEED,
    ENABLE,
    LEGACY_VALUES,
    LightingSetting,
)
from keyconf.device.via_protocol import Channel
from keyconf.gui.device_worker import BoardSummary, DeviceWorker

SEND_DELAY_MS = 60
LABELS = {
    BRIGHTNESS: "Brightness",
    EFFECT: "Effect",
    EFFECT_SPEED: "Speed",
    ENABLE: "Sound",
    CLICKY: "Clicky",
}


class LightingPanel(QWidget):
    def __init__(self, worker: DeviceWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self.legacy = False
        self.controls: dict[tuple[Channel, str], QWidget] = {}
        self._pending: dict[tuple[Channel, str], LightingSetting] = {}
        self._send_timer = QTimer(self)
        self._send_timer.setSingleShot(True)
        self._send_timer.timeout.connect(self._send)
        self._layout = QVBoxLayout(self)
        self.message = QLabel("Connect a keyboard to adjust its lighting.", self)
        self.message.setWordWrap(True)
        self._layout.addWidget(self.message)
        self._layout.addStretch(1)
        self._groups: list[QGroupBox] = []
        worker.connected.connect(self._on_connected)
        worker.disconnected.connect(lambda _reason: self._clear("Connect a keyboard to adjust its lighting."))
        worker.lightingRead.connect(self._on_read)
        if worker.summary is not None:
            self._on_connected(worker.summary)

    def _on_connected(self, summary: BoardSummary) -> None:
        self.legacy = summary.legacy_lighting
        self._clear("Reading the keyboard's lighting…")
        self.worker.read_lighting()

    def _clear(self, text: str) -> None:
        for group in self._groups:
            group.deleteLater()
        self._groups.clear()
        self.controls.clear()
        self.message.setText(text)
        self.message.show()

    def _on_read(self, channels: dict[Channel, dict[str, LightingSetting]]) -> None:
        self._clear("")
        if not channels:
            self.message.setText("This keyboard has no lighting or audio controls keyconf can reach.")
            return
        self.message.hide()
        table = LEGACY_VALUES if self.legacy else CHANNEL_VALUES
        for channel, values in channels.items():
            group = QGroupBox(CHANNEL_LABELS.get(channel, str(channel)), self)
            form = QFormLayout(group)
            for spec in table.get(channel, ()):
                current = values.get(spec.name, 0)
                if spec.name == COLOR:
                    hue, sat = current if isinstance(current, tuple) else (0, 0)
                    hue_slider = self._slider(channel, COLOR, hue, 255, part=0)
                    sat_slider = self._slider(channel, COLOR, sat, 255, part=1)
                    form.addRow("Hue", hue_slider)
                    form.addRow("Saturation", sat_slider)
                    continue
                value = current if isinstance(current, int) else 0
                if spec.maximum == 1:
                    box = QCheckBox(group)
                    box.setChecked(bool(value))
                    box.toggled.connect(lambda on, c=channel, n=spec.name: self._queue(c, n, int(on)))
                    self.controls[(channel, spec.name)] = box
                    form.addRow(LABELS.get(spec.name, spec.name), box)
                elif spec.name == EFFECT:
                    spin = QSpinBox(group)
                    spin.setRange(0, spec.maximum)
                    spin.setValue(value)
                    spin.valueChanged.connect(lambda v, c=channel, n=spec.name: self._queue(c, n, v))
                    self.controls[(channel, spec.name)] = spin
                    form.addRow(LABELS[EFFECT] + " (0 = off)", spin)
                else:
                    form.addRow(LABELS.get(spec.name, spec.name), self._slider(channel, spec.name, value, spec.maximum))
            save = QPushButton("Save", group)
            save.setToolTip("Keep these settings when the keyboard is unplugged")
            save.clicked.connect(lambda _checked=False, c=channel: self.save(c))
            form.addRow(save)
            self._layout.insertWidget(self._layout.count() - 1, group)
            self._groups.append(group)

    def _slider(self, channel: Channel, name: str, value: int, maximum: int, part: int | None = None) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal, self)
        slider.setRange(0, maximum)
        slider.setValue(value)
        key = f"{name}.{part}" if part is not None else name
        self.controls[(channel, key)] = slider
        if part is None:
            slider.valueChanged.connect(lambda v, c=channel, n=name: self._queue(c, n, v))
        else:
            slider.valueChanged.connect(lambda _v, c=channel: self._queue(c, COLOR, self._colour(c)))
        return slider

    def _colour(self, channel: Channel) -> tuple[int, int]:
        hue = self.controls[(channel, f"{COLOR}.0")]
        sat = self.controls[(channel, f"{COLOR}.1")]
        assert isinstance(hue, QSlider) and isinstance(sat, QSlider)
        return hue.value(), sat.value()

    def _queue(self, channel: Channel, name: str, value: LightingSetting) -> None:
        self._pending[(channel, name)] = value
        self._send_timer.start(SEND_DELAY_MS)

    def _send(self) -> None:
        pending, self._pending = self._pending, {}
        for (channel, name), value in pending.items():
            self.worker.set_lighting(channel, name, value)

    def save(self, channel: Channel) -> None:
        self._send()
        self.worker.save_lighting(channel)
