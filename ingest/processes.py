"""Pool processes that end with the process that started them.

A process pool's workers wait for work forever; when their parent is killed (SIGKILL, or a
server stopped before it shut its pool down) they would stay behind, holding memory. Each
worker watches its parent instead and exits once it is gone.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["end_with_parent"]


def end_with_parent(parent: int) -> None:
    """Pool initializer: exit this process as soon as `parent` is no longer its parent."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
