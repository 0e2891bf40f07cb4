"""The errors of the activity aggregate: what the SOP does not allow (standard library only).

Their own module because the aggregate and the kampung state machine both raise them."""

from __future__ import annotations

from typing import Any


class ActivityError(Exception):
    """A command or event the SOP does not allow; `code` is machine-readable (mapped to HTTP 4xx)."""

    code = "activity_error"

    def __init__(self, message: str, *, step: int | None = None, **details: Any) -> None:
        super().__init__(message)
        self.step = step
        self.details = {"step": step, **details} if step is not None else dict(details)


class UnknownStep(ActivityError):
    code = "unknown_step"


class StepProducedByEvents(ActivityError):
    """Steps 3-6 and 11 come from sk-service, signature-service and the report compile."""

    code = "step_produced_by_events"


class StepAlreadyRecorded(ActivityError):
    code = "step_already_recorded"


class StepOutOfOrder(ActivityError):
    """`details["reason"]`: ends_before_start, prerequisite_missing, starts_before_prerequisite,
    later_step_recorded or report_compiled."""

    code = "step_out_of_order"


class InvalidStep(ActivityError):
    code = "invalid_step"


class InvalidFigures(InvalidStep):
    code = "invalid_figures"


class InvalidEvent(ActivityError):
    """An event whose payload lacks what its handler needs (the consumer parks it)."""

    code = "invalid_event"
