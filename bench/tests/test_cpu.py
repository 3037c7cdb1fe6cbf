"""The bench's CPU meter reads real processes from /proc."""

import subprocess
import sys
import time

from bench import cpu

BUSY_THEN_IDLE = """
import time
end = time.process_time() + 0.3
while time.process_time() < end:
    pass
time.sleep(5)
"""


def test_the_meter_counts_a_process_tree_and_splits_it_per_request():
    # Given a child process that burns 0.3 s of CPU, then waits
    child = subprocess.Popen([sys.executable, "-c", BUSY_THEN_IDLE])  # noqa: S603
    try:
        meter = cpu.CpuMeter(web_pids=[child.pid])
        before = meter.read()
        time.sleep(1.0)
        after = meter.read()
    finally:
        child.kill()
        child.wait()
    # Then its tree's CPU is counted as the web's, and per request over ten requests
    assert 0.25 <= after["web"] - before["web"] <= 1.0
    spent = cpu.per_request(before, after, 10)
    assert 25 <= spent["web"] <= 100
    assert spent["server"] >= spent["web"]
    assert set(spent) == {"web", "worker", "postgres", "redis", "server"}


def test_no_requests_means_no_figures():
    assert cpu.per_request({"web": 1.0}, {"web": 2.0}, 0) == {}
