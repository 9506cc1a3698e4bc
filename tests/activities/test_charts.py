"""The digest's chart: a small PNG, accessible colours, and alt text that says it all."""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
from matplotlib.image import imread

from activities.digest.charts import (
    RATE_COLOUR,
    SLIP_COLOUR,
    describe_weeks,
    short_date,
    weekly_chart,
)
from domain.reliability import WeekFigures

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def weeks(*figures: tuple[int, int]) -> list[WeekFigures]:
    start = date(2026, 10, 5)
    return [
        WeekFigures(week_start=start + timedelta(weeks=n), on_time=on_time, slips=slips)
        for n, (on_time, slips) in enumerate(figures)
    ]


def colour_present(pixels: object, colour: str) -> bool:
    wanted = tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    image = np.asarray(pixels)[..., :3]
    return bool((np.abs(image - np.array(wanted)) < 0.02).all(axis=-1).any())


def test_the_chart_is_a_small_png_with_both_series() -> None:
    chart = weekly_chart(weeks((2, 0), (1, 1), (0, 0), (3, 1)))
    assert chart.png.startswith(PNG_SIGNATURE)
    assert (chart.width, chart.height) == (600, 260)
    assert len(chart.png) < 60_000
    pixels = imread(io.BytesIO(chart.png), format="png")
    assert pixels.shape[:2] == (260, 600)
    assert colour_present(pixels, RATE_COLOUR)
    assert colour_present(pixels, SLIP_COLOUR)


def test_the_alt_text_reads_every_week() -> None:
    text = describe_weeks(weeks((2, 0), (1, 1), (0, 0)))
    assert text.startswith("On-time rate and slips per week over the last 3 weeks.")
    assert "Week of 5 Oct: 100% on time, 0 slips" in text
    assert "Week of 12 Oct: 50% on time, 1 slip;" in text
    assert "Week of 19 Oct: no dates due." in text
    assert describe_weeks([]) == "No weeks to show yet."


def test_an_empty_history_still_draws() -> None:
    chart = weekly_chart(weeks((0, 0), (0, 0)))
    assert chart.png.startswith(PNG_SIGNATURE)
    assert "no dates due" in chart.alt_text
    assert short_date(date(2026, 1, 9)) == "9 Jan"
