"""The environment of the scale benchmark: its own database and Redis database.

`python bench/scale_env.py` starts the embedded servers if needed, creates the
`slsp_scale` database and prints `DATABASE_URL=... REDIS_URL=...` lines; `bench/run.py`
imports `scale_env()` directly. Nothing here touches the development database.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCALE_DB = os.environ.get("SLSP_SCALE_DB", "slsp_scale")
# Redis database 12: neither make run's worker (0) nor the tests' (7, 9) take these tasks.
SCALE_REDIS_DB = int(os.environ.get("SLSP_SCALE_REDIS_DB", "12"))


def scale_env() -> dict[str, str]:
    from slsp_referent import embedded

    if os.environ.get("SCALE_DATABASE_URL"):
        database_url = os.environ["SCALE_DATABASE_URL"]
    else:
        server = embedded._postgres
        server.start()
        server.ensure_database(SCALE_DB)
        database_url = server.url(SCALE_DB)
    redis_url = os.environ.get("SCALE_REDIS_URL") or embedded.redis_url(SCALE_REDIS_DB)
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url}


if __name__ == "__main__":
    for key, value in scale_env().items():
        print(f"{key}={value}")
