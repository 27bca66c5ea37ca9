"""The one error type of the ingest library: it names the file, the stage and the reason."""

from __future__ import annotations

__all__ = ["IngestError"]


class IngestError(Exception):
    """A document could not go through a stage; the message is one line for the user."""

    def __init__(self, source: str, stage: str, reason: str) -> None:
        super().__init__(f"{source}: {stage}: {reason}")
        self.source = source
        self.stage = stage
        self.reason = reason
