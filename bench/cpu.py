"""Where a scenario's CPU goes: CPU seconds of the server's processes, read from /proc before
and after a load, per request. The machine is shared, so requests/s alone can't tell a slower
request from a busier neighbour; CPU per request by component can.

Components: `web` (granian and its workers), `worker` (the Celery worker and its children),
`postgres` (every PostgreSQL process on the machine) and `redis` (redis-server). wrk is not
counted: it has ended when the second reading is taken.
"""

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds used: user + system) of a live process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def _tree(roots: Iterable[int], processes: Mapping[int, tuple[str, int, float]]) -> set[int]:
    """`roots` and all their descendants."""
    members = {pid for pid in roots if pid in processes}
    grew = True
    while grew:
        children = {pid for pid, (_, parent, _) in processes.items() if parent in members}
        grew = not children <= members
        members |= children
    return members


@dataclass
class CpuMeter:
    """CPU seconds by component; `web_pids`/`worker_pids` are the roots of those trees."""

    web_pids: list[int]
    worker_pids: list[int] = field(default_factory=list)

    def read(self) -> dict[str, float]:
        processes = _processes()
        trees = {
            "web": _tree(self.web_pids, processes),
            "worker": _tree(self.worker_pids, processes),
        }
        names = {"postgres": ("postgres",), "redis": ("redis-server",)}
        totals = {part: sum(processes[pid][2] for pid in pids) for part, pids in trees.items()}
        for part, prefixes in names.items():
            totals[part] = sum(
                cpu for name, _, cpu in processes.values() if name.startswith(prefixes)
            )
        return totals


def per_request(
    before: Mapping[str, float], after: Mapping[str, float], requests: int
) -> dict[str, float]:
    """Milliseconds of CPU per request by component, and the server's total.
    A process that ended between the readings (a worker recycled) is not counted."""
    if requests <= 0:
        return {}
    spent = {part: max(0.0, after[part] - before.get(part, 0.0)) for part in after}
    result = {part: round(seconds * 1000 / requests, 3) for part, seconds in spent.items()}
    result["server"] = round(sum(spent.values()) * 1000 / requests, 3)
    return result
