"""``python -m interface.cli``: the same as the ``kap-journeys`` command."""

from interface.cli.main import main

main()
