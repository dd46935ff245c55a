"""A QR code drawn with half-block characters: two module rows per text line, for a badge."""

from __future__ import annotations

import segno
from textual.widgets import Static

# Dark module on top, bottom, both, neither: one terminal cell holds two rows of modules.
_CELLS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_lines(data: str, border: int = 2) -> list[str]:
    """The QR code of `data` as text lines; dark modules are drawn, light ones are blank."""
    qr = segno.make_qr(data)
    rows = [[bool(module) for module in row] for row in qr.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return ["".join(_CELLS[top, bottom] for top, bottom in zip(upper, lower))
            for upper, lower in zip(rows[0::2], rows[1::2])]


class QrCode(Static):
    """Shows `data` as a QR code, dark modules on a light ground, so phones and scanners read it."""

    # Its own look, whatever the theme and wherever it is shown (hence fixed colours, not variables).
    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; color: black; background: white; }
    """

    def __init__(self, data: str, **kwargs: object) -> None:
        super().__init__("\n".join(qr_lines(data)), markup=False, **kwargs)
        self.data = data
