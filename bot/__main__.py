"""``python -m bot`` is the same as the ``greenbot`` command."""

from bot.cli import main

raise SystemExit(main())
