"""Facts about the machine a run happens on, read from it."""

from __future__ import annotations

import platform

from paraviz.core.host.main import gil_enabled
from paraviz.core.model.machine import MachineInfo, logical_cores


def machine_info() -> MachineInfo:
    import psutil

    return MachineInfo(
        logical_cores=logical_cores(),
        physical_cores=psutil.cpu_count(logical=False) or logical_cores(),
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        gil_enabled=gil_enabled(),
        platform=platform.platform(terse=True),
    )
