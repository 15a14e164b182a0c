"""Domain errors, each with the HTTP status and a stable code; mapped to JSON once in api/app.py."""
from __future__ import annotations


class ClaimTraceError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidInput(ClaimTraceError):
    status, code = 422, "invalid_input"


class InputTooLarge(ClaimTraceError):
    status, code = 413, "input_too_large"


class NotReady(ClaimTraceError):
    status, code = 503, "model_not_ready"


class Overloaded(ClaimTraceError):
    status, code = 503, "overloaded"


class GenerationTimeout(ClaimTraceError):
    status, code = 504, "generation_timeout"


class CpuBudgetExceeded(ClaimTraceError):
    """The request's CPU stages (ingest, segmentation, attribution) went over CLAIMTRACE_CPU_BUDGET_S."""

    status, code = 504, "cpu_budget_exceeded"


class ClientDisconnected(ClaimTraceError):
    """The client went away; the work was abandoned at the next check. Nobody reads the 499."""

    status, code = 499, "client_disconnected"


class ModelLoadError(ClaimTraceError):
    """Weights missing or failing their checksum: raised at start-up, never on a request."""

    status, code = 500, "model_load_error"


class EngineUnavailable(ClaimTraceError):
    """The remote inference engine (CLAIMTRACE_BACKEND=openai) cannot be reached or keeps failing."""

    status, code = 503, "engine_unavailable"


class EngineError(ClaimTraceError):
    """The remote inference engine rejected a request (a 4xx other than 429): a configuration problem."""

    status, code = 502, "engine_error"
