"""Rules that decide whether a measured figure may pass its budget (kept apart so tests can hold them).

A cold start is measured as whole processes, the program's window against a bare PySide6 window, in wall
time *and* CPU time. On an environment where the display server stalls every window start (seen: 3 s on
each side) the wall-time ratio tends to 1 whatever the program costs, so a stall that hits both sides hides
the program's own start-up: CPU time does not. Such a run is flagged «stalled environment» and cannot pass.
"""

from __future__ import annotations

from dataclasses import dataclass

STALL_SLACK_S = 1.0  # wall beyond CPU, on both sides, that marks a stalled environment
COLD_START_BUDGET = 2.0  # program ÷ bare window, in wall and in CPU time


@dataclass(frozen=True)
class StartSample:
    """Medians of one platform's interleaved runs: wall and CPU seconds of each whole process."""

    app_wall: float
    app_cpu: float
    bare_wall: float
    bare_cpu: float

    @property
    def wall_ratio(self) -> float:
        return self.app_wall / self.bare_wall

    @property
    def cpu_ratio(self) -> float:
        return self.app_cpu / self.bare_cpu


def stalled(s: StartSample, slack: float = STALL_SLACK_S) -> bool:
    """Both processes spent more than `slack` seconds waiting beyond their own CPU time."""
    return s.app_wall - s.app_cpu > slack and s.bare_wall - s.bare_cpu > slack


def cold_start_verdict(s: StartSample, budget: float = COLD_START_BUDGET) -> tuple[bool, str]:
    """(passes, why): within budget in wall *and* CPU, and not on a stalled environment."""
    if stalled(s):
        return False, (f"stalled environment: wall exceeds CPU by {s.app_wall - s.app_cpu:.1f} s (program) and "
                       f"{s.bare_wall - s.bare_cpu:.1f} s (bare window); not allowed to pass")
    misses = [name for name, ratio in (("wall", s.wall_ratio), ("CPU", s.cpu_ratio)) if ratio > budget]
    if misses:
        return False, "over budget in " + " and ".join(misses)
    return True, "within budget in wall and CPU"
