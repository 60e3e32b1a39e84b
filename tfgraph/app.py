"""`tf.app.run`: runs a script's `main(argv)` and exits with its return value, as TF1 does."""
import sys as _sys
import typing as _t


def run(main: _t.Optional[_t.Callable[[_t.List[str]], object]] = None,
        argv: _t.Optional[_t.List[str]] = None) -> None:
    """Calls `main(argv)` (default: the caller's module-level `main`) and exits.

    Args:
      main: The function to run; None looks up `main` in the `__main__` module.
      argv: The argument list (default `sys.argv`).

    Raises:
      SystemExit: Always, with `main`'s return value.
    """
    if main is None:
        main = _sys.modules["__main__"].main
    _sys.exit(main(_sys.argv if argv is None else argv))
