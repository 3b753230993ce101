"""Print mutmut's score after `mutmut run`: killed, survived, and the survivors' share.

Reads mutants/mutmut-cicd-stats.json (written by `mutmut export-cicd-stats`); exits 1
when more than the allowed share of mutants survive (issue 10: at most 5 %).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ALLOWED_SURVIVORS = 0.05


def main() -> int:
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    judged = stats["killed"] + stats["survived"]
    share = stats["survived"] / judged if judged else 0.0
    print(
        f"mutants: {stats['total']} total, {stats['killed']} killed, "
        f"{stats['survived']} survived ({share:.1%}), {stats.get('timeout', 0)} timed out, "
        f"{stats.get('no_tests', 0)} without tests"
    )
    return 0 if share <= ALLOWED_SURVIVORS else 1


if __name__ == "__main__":
    sys.exit(main())
