"""A physics test asserts what the lanes measured (speedups, cores) on this machine, with margins.

These 2-vCPU VMs are noisy in phases: a neighbour's load or the two vCPUs sharing one physical core
slows one lane of a round and not the next. The GIL test's median of 7 rounds gave a processes
speedup of 1.45 against its bound of 1.5 in one fresh-clone CI run, and 1.50-2.01 in five runs here
the same hour. So a failed physics test is measured once more, from scratch, with the same bounds:
a real regression (threads on two cores, processes on one) fails both times.
"""

from __future__ import annotations

import pytest

physics = pytest.mark.flaky(reruns=1)
