"""Demo data plumbing: each app may ship `apps/<app>/demo.py` with `seed(ctx)`.

`manage.py seed_demo` calls them in INSTALLED_APPS order (base first), each one
idempotent, so a second `make run` reuses the data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    rng: random.Random = field(default_factory=lambda: random.Random(20111015))
    # Filled by the apps as they seed: shared handles for the apps above them.
    slsps: list = field(default_factory=list)
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, e-mail, scope)
