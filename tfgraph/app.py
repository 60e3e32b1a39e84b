"""`tf.app.run`: parses `tf.app.flags` from the command line, runs a script's `main(argv)` and
exits with its return value, as TF1 does (through `absl.app.run`); `tf.app.flags` is `tf.flags`."""
import sys as _sys
import typing as _t


def run(main: _t.Optional[_t.Callable[[_t.List[str]], object]] = None,
        argv: _t.Optional[_t.List[str]] = None) -> None:
    """Parses the defined flags out of `argv`, calls `main(remaining argv)` (default: the
    caller's module-level `main`) and exits with its return value.

    Args:
      main: The function to run; None looks up `main` in the `__main__` module.
      argv: The argument list (default `sys.argv`); flags not defined are left in it.

    Raises:
      SystemExit: Always, with `main`'s return value.
    """
    if main is None:
        main = _sys.modules["__main__"].main
    from absl.app import run as _absl_run  # TF1 runs main through absl, parsing tf.flags

    from .flags import FLAGS

    def parse_known_flags(args: _t.List[str]) -> _t.List[str]:
        return FLAGS(_sys.argv if args is None else args, known_only=True)

    _absl_run(main=main, argv=argv, flags_parser=parse_known_flags)


# --- frame stream (issue 16): flags, and parsing them before main (TF1 runs absl.app.run) ----
def __getattr__(name: str) -> _t.Any:
    if name == "flags":  # loaded on first use: `import tfgraph` does not import absl
        import importlib
        return importlib.import_module(f"{__package__}.flags")
    raise AttributeError(f"module 'tfgraph.app' has no attribute {name!r}")
