"""Billing: the fee schedule and the superbill a journey's record gives."""

from domain.billing.codes import CODES
from domain.billing.fee_schedule import (
    DEFAULT_FEE_SCHEDULE,
    MAX_FEE_CENTS,
    check_fee_schedule,
    effective_schedule,
)
from domain.billing.superbill import (
    BillingNotReadyError,
    BillingPeriodError,
    Clinician,
    Superbill,
    SuperbillLine,
    superbill,
)

__all__ = [
    "CODES",
    "DEFAULT_FEE_SCHEDULE",
    "MAX_FEE_CENTS",
    "BillingNotReadyError",
    "BillingPeriodError",
    "Clinician",
    "Superbill",
    "SuperbillLine",
    "check_fee_schedule",
    "effective_schedule",
    "superbill",
]
