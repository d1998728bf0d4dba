"""The process tree the relay samples: every descendant found, however it is found."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import psutil
import pytest
from paraviz.core.measure import tree
from paraviz.core.measure.tree import ProcessTree, descendant_pids

pytestmark = pytest.mark.usefixtures("no_leftover_processes")

#: A child that starts two grandchildren of its own (one from a second thread), then waits.
FAMILY = """
import subprocess, sys, threading, time
sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
kids = [subprocess.Popen(sleeper)]
thread = threading.Thread(target=lambda: kids.append(subprocess.Popen(sleeper)))
thread.start(); thread.join()
print("ready", flush=True)
time.sleep(30)
"""


@pytest.fixture
def family():
    child = subprocess.Popen([sys.executable, "-c", FAMILY], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    root = psutil.Process(child.pid)
    everyone = [*root.children(recursive=True), root]
    yield child, root
    for proc in everyone:  # grandchildren too: a test may have ended their parent
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    child.wait()
    psutil.wait_procs(everyone[:-1], timeout=5)


def test_descendants_are_those_psutil_finds(family):
    assert tree.PROC_CHILDREN  # Linux here: the /proc walk is the one tested
    child, root = family
    found = descendant_pids(psutil.Process())
    assert child.pid in found
    assert sorted(descendant_pids(root)) == sorted(p.pid for p in root.children(recursive=True))
    assert len(descendant_pids(root)) == 2  # one grandchild started from the main thread, one from another


def test_without_the_proc_children_files_psutil_walks_the_tree(family, monkeypatch):
    _child, root = family
    monkeypatch.setattr(tree, "PROC_CHILDREN", False)
    assert sorted(descendant_pids(root)) == sorted(p.pid for p in root.children(recursive=True))


def test_the_tree_counts_its_processes_and_a_gone_root_ends_it(family):
    child, _root = family
    sampled = ProcessTree(child.pid)
    sample = sampled.sample()
    assert sample is not None and sample.processes == 3 and sampled.peak_processes == 3
    child.kill()
    child.wait()
    assert sampled.sample() is None
