from __future__ import annotations

import sys

from paraviz.core.measure.sampler import CpuSampler, fake_source, psutil_source


def test_real_sampler_reads_every_logical_core():
    import psutil

    snapshot = CpuSampler(psutil_source()).sample()
    assert snapshot.cores == psutil.cpu_count()
    assert all(0 <= p <= 100 for p in snapshot.percents)


def test_history_is_bounded_through_many_thousand_ticks():
    sampler = CpuSampler(fake_source(256), history=60)
    sizes = []
    for tick in range(5000):
        snapshot = sampler.sample()
        if tick in (100, 4999):
            sizes.append(sum(sys.getsizeof(r) for r in sampler.history))
    assert snapshot.cores == 256
    assert all(len(h) == 60 for h in snapshot.history)
    assert sizes[0] == sizes[1]
