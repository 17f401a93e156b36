"""Which days a Meet step writes together (pure)."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from assets.transcripts.window_plan import write_windows

FIRST = date(2026, 1, 1)


def day(n: int) -> date:
    return FIRST + timedelta(days=n)


def tiles(windows: list[tuple[date, date]], first: date, end: date) -> bool:
    """Consecutive, non-empty, covering [first, end) exactly."""
    if not windows:
        return first >= end
    joined = all(a[1] == b[0] for a, b in pairwise(windows))
    return (
        windows[0][0] == first
        and windows[-1][1] == end
        and joined
        and all(a < b for a, b in windows)
    )


def test_history_is_cut_into_windows_of_whole_days_of_at_least_n_meetings():
    meetings = [day(0)] * 3 + [day(1)] * 3 + [day(2)] * 3 + [day(4)] * 1
    windows = write_windows(day(0), day(6), meetings, None, meetings_per_write=5)
    assert windows == [(day(0), day(2)), (day(2), day(6))]  # 6 meetings, then the rest
    assert tiles(windows, day(0), day(6))


def test_the_days_meet_still_keeps_are_one_last_window():
    meetings = [day(d) for d in range(10) for _ in range(4)]
    windows = write_windows(day(0), day(10), meetings, day(6), meetings_per_write=8)
    assert windows == [(day(0), day(2)), (day(2), day(4)), (day(4), day(6)), (day(6), day(10))]


def test_one_window_when_everything_is_recent_or_fits():
    meetings = [day(d) for d in range(5)]
    assert write_windows(day(0), day(5), meetings, day(0), 1000) == [(day(0), day(5))]
    assert write_windows(day(0), day(5), meetings, None, 1000) == [(day(0), day(5))]
    assert write_windows(day(0), day(5), [], None, meetings_per_write=1) == [(day(0), day(5))]


def test_a_busy_day_is_never_split():
    windows = write_windows(day(0), day(3), [day(1)] * 50, None, meetings_per_write=10)
    assert windows == [(day(0), day(2)), (day(2), day(3))]


def test_recent_from_outside_the_slice_is_clamped():
    meetings = [day(0), day(1)]
    assert write_windows(day(0), day(2), meetings, day(-3), 1) == [(day(0), day(2))]
    assert write_windows(day(0), day(2), meetings, day(9), 1) == [
        (day(0), day(1)),
        (day(1), day(2)),
    ]


@pytest.mark.parametrize("per_write", [1, 3, 7, 1000])
@pytest.mark.parametrize("recent", [None, 0, 5, 29])
def test_windows_always_tile_the_slice(per_write, recent):
    meetings = [day(d % 30) for d in range(0, 200, 3)]
    recent_from = None if recent is None else day(recent)
    windows = write_windows(day(0), day(30), meetings, recent_from, per_write)
    assert tiles(windows, day(0), day(30))
    if recent_from is not None:
        assert windows[-1] == (recent_from, day(30))


def test_an_empty_slice_has_no_window_and_a_bad_size_is_refused():
    assert write_windows(day(3), day(3), [], None, 1000) == []
    with pytest.raises(ValueError, match="at least 1"):
        write_windows(day(0), day(1), [], None, meetings_per_write=0)
