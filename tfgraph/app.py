"""`tf.app.run`: runs a script's `main(argv)` and exits with its return value, as TF1 does."""
from __future__ import annotations

import sys
from typing import Callable, List, Optional


def run(main: Optional[Callable[[List[str]], object]] = None,
        argv: Optional[List[str]] = None) -> None:
    """Calls `main(argv)` (default: the caller's module-level `main`) and exits.

    Args:
      main: The function to run; None looks up `main` in the `__main__` module.
      argv: The argument list (default `sys.argv`).

    Raises:
      SystemExit: Always, with `main`'s return value.
    """
    if main is None:
        main = sys.modules["__main__"].main
    sys.exit(main(sys.argv if argv is None else argv))
