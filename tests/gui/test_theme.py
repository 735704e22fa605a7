"""The workbench theme: a disabled control must look disabled (greyed, lower contrast), not like an enabled one."""

import numpy as np
import pytest
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import QPushButton, QStyleFactory

from workbench.resources.theme import theme_palette

ACTIVE, DISABLED = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
TEXT_ROLES = (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText)


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2.x contrast ratio of two colours (1 = identical, 21 = black on white)."""

    def luminance(colour: QColor) -> float:
        channels = np.array([colour.redF(), colour.greenF(), colour.blueF()])
        linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("role", TEXT_ROLES, ids=lambda role: role.name)
def test_disabled_text_is_greyed_with_less_contrast_than_enabled_text(role):
    palette = theme_palette()
    background = QPalette.ColorRole.Base if role == QPalette.ColorRole.Text else QPalette.ColorRole.Button
    active = contrast_ratio(palette.color(ACTIVE, role), palette.color(ACTIVE, background))
    disabled = contrast_ratio(palette.color(DISABLED, role), palette.color(DISABLED, background))
    assert palette.color(DISABLED, role) != palette.color(ACTIVE, role)
    assert active >= 7.0  # enabled text stays easy to read (WCAG AAA)
    assert disabled < active / 2 and disabled > 1.5  # clearly greyed, yet still legible


def test_disabled_highlight_is_washed_out_and_inactive_windows_keep_the_enabled_colours():
    palette = theme_palette()
    highlight = QPalette.ColorRole.Highlight
    assert palette.color(DISABLED, highlight).hsvSaturationF() < palette.color(ACTIVE, highlight).hsvSaturationF() / 2
    for role in TEXT_ROLES + (QPalette.ColorRole.Button, highlight):
        assert palette.color(QPalette.ColorGroup.Inactive, role) == palette.color(ACTIVE, role)


def _darkest_text_pixel(qtbot, enabled: bool) -> float:
    """Lightness of the darkest pixel of a Fusion 'Cancel' button drawn with the theme (its text's ink)."""
    button = QPushButton("Cancel")
    button.setStyle(QStyleFactory.create("Fusion"))
    button.setPalette(theme_palette())
    button.setEnabled(enabled)
    button.resize(120, 32)
    qtbot.addWidget(button)
    image = button.grab().toImage()
    inner = [QColor(image.pixel(x, y)).lightnessF() for x in range(20, 100) for y in range(8, 24)]
    return min(inner)


def test_a_disabled_button_is_drawn_lighter_than_an_enabled_one(qtbot):
    enabled, disabled = _darkest_text_pixel(qtbot, True), _darkest_text_pixel(qtbot, False)
    assert enabled < 0.3  # dark ink
    assert disabled > enabled + 0.3  # grey ink: visibly not pressable
