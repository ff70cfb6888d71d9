"""QR codes of health codes, as inline SVG (segno, pure Python): the phone code's token and the
paper card's code."""

from __future__ import annotations


def qr_svg(text: str) -> str:
    """A scalable inline SVG (a viewBox, no size: CSS sizes it)."""
    import segno

    return segno.make(text, error="m").svg_inline(border=2, omitsize=True)
