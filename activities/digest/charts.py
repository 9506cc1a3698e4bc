"""The digest's small chart: on-time rate and slips per week, as a PNG with its alt text.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global
state), so several activities may draw at once. Colours are from the Okabe-Ito palette, which
stays distinguishable with the common colour-vision deficiencies; the two series differ in
shape too (a line with markers, bars), and the alt text says everything the picture does.

matplotlib (with numpy and Pillow, ~45 MiB resident) is imported on the first chart drawn, not
with this module: a worker that never sends a digest never loads it (docs/operations.md,
"Worker memory"; tests/test_worker_imports.py keeps it out of the worker's start).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.reliability import WeekFigures

RATE_COLOUR = "#0072B2"
"""Okabe-Ito blue: the on-time rate line."""
SLIP_COLOUR = "#E69F00"
"""Okabe-Ito orange: the slip bars."""
TEXT_COLOUR = "#333333"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.0, 2.6, 100
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: date) -> str:
    """Write a date briefly and without the machine's locale, e.g. ``5 Oct``."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


class Chart(BaseModel):
    """A rendered chart: PNG bytes and the text that stands in for it."""

    model_config = ConfigDict(frozen=True)

    png: bytes
    alt_text: str
    width: int
    height: int


def describe_weeks(weeks: Sequence[WeekFigures]) -> str:
    """Write the chart's content as a sentence for screen readers and text-only mail.

    Args:
        weeks: the weekly figures, oldest first.

    Returns:
        e.g. "On-time rate and slips per week over the last 8 weeks. Week of 5 Oct: 100% on
        time, 0 slips; Week of 12 Oct: no dates due; ..."
    """
    if not weeks:
        return "No weeks to show yet."
    parts = []
    for week in weeks:
        label = f"Week of {short_date(week.week_start)}"
        rate = week.on_time_rate
        if rate is None:
            parts.append(f"{label}: no dates due")
        else:
            slips = "1 slip" if week.slips == 1 else f"{week.slips} slips"
            parts.append(f"{label}: {rate:.0%} on time, {slips}")
    return (
        f"On-time rate and slips per week over the last {len(weeks)} weeks. "
        + "; ".join(parts)
        + "."
    )


def weekly_chart(weeks: Sequence[WeekFigures]) -> Chart:
    """Draw the on-time rate (line, left axis) and slips (bars, right axis) per week.

    Weeks without a date due leave a gap in the line rather than dropping to zero.

    Args:
        weeks: the weekly figures, oldest first.

    Returns:
        The PNG (600 x 260 pixels) and its alt text.
    """
    # Imported here, not at the top: see the module's docstring.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    rate_axis = figure.add_subplot(1, 1, 1)
    slip_axis = rate_axis.twinx()
    positions = list(range(len(weeks)))
    labels = [short_date(week.week_start) for week in weeks]
    slips = [week.slips for week in weeks]
    rates = [
        float("nan") if week.on_time_rate is None else week.on_time_rate * 100 for week in weeks
    ]
    slip_axis.bar(positions, slips, width=0.5, color=SLIP_COLOUR, label="Slips")
    rate_axis.plot(
        positions,
        rates,
        color=RATE_COLOUR,
        marker="o",
        linewidth=2.2,
        markersize=5,
        label="On-time rate",
    )
    # The rate is drawn over the bars: the twin axis sits on top unless told otherwise.
    rate_axis.set_zorder(slip_axis.get_zorder() + 1)
    rate_axis.patch.set_visible(False)
    rate_axis.set_ylim(0, 105)
    rate_axis.set_ylabel("On time (%)", color=RATE_COLOUR, fontsize=9)
    slip_axis.set_ylim(0, max([*slips, 3]) + 1)
    slip_axis.set_ylabel("Slips", color="#8a5a00", fontsize=9)
    slip_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    rate_axis.set_xticks(positions, labels, fontsize=8, color=TEXT_COLOUR)
    rate_axis.tick_params(axis="y", labelsize=8, colors=TEXT_COLOUR)
    slip_axis.tick_params(axis="y", labelsize=8, colors=TEXT_COLOUR)
    rate_axis.set_title(
        "On-time rate and slips per week", fontsize=10, color=TEXT_COLOUR, loc="left", pad=10
    )
    for axis in (rate_axis, slip_axis):
        axis.spines["top"].set_visible(False)
    rate_axis.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    handles = [*rate_axis.get_legend_handles_labels()[0], *slip_axis.get_legend_handles_labels()[0]]
    # Above the plot, beside the title, so that it never hides a week's figures.
    rate_axis.legend(
        handles=handles,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        frameon=False,
        ncols=2,
        borderaxespad=0.2,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    width, height = (round(value) for value in figure.get_size_inches() * DPI)
    return Chart(png=buffer.getvalue(), alt_text=describe_weeks(weeks), width=width, height=height)
