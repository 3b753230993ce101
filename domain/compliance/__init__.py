"""Checks an auditor runs over a journey's replayed history (C-01 to C-11 in DOMAIN.md).

Reported, not refused: the write-time J-rules keep new entries clean, while these read
imported, back-dated and corrected history and duties that fall due with time.
"""

from domain.compliance.finding import RULES, Finding, standing
from domain.compliance.report import compliance_findings

__all__ = ["RULES", "Finding", "compliance_findings", "standing"]
