"""`tf.Session`: compiles a run plan per (fetches, feed keys) signature and executes it.

A plan is decided once and cached: the fetched elements, pruning (ancestors of the fetches,
cut at fed tensors), a topological order (creation order; networkx once control edges
were added after the fact), the backend of every op, one kernel per
op, host<->device transfers (one per value and device, not one per consumer) and the last use
of every value.  From that the planner generates one straight-line Python function::

    def _run(v0, v1, v2):            # the raw feed values, in feed_dict order
        t0 = _asarray(v0, _dt0)      # feed conversion + static shape check
        ...
        t5 = k3(t0, t1)              # one line per op: a direct kernel call
        del t0, t1                   # values are released right after their last use
        t6 = k4(t2, t5)
        return t6                    # the fetch structure, built in place

so the per-run cost is one dict lookup plus one Python call per op.  When a kernel fails, the
traceback's line number in the generated code names the op.
"""
from __future__ import annotations

import itertools
import linecache
import os
import re
import reprlib
import threading
import warnings
import weakref
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .backends import Backend, default_backend_name, get_backend
from .framework import errors
from .framework.constant import _as_bytes_array
from .framework.device import device_type as _device_type
from .framework.control_flow_types import CONTROL_FLOW_TYPES
from .framework.run_context import RunContext
from .framework.traversal import ancestors
from .framework.graph import Graph, Operation, Tensor, get_default_graph
# The default-session stack lives in the framework (Tensor.eval needs it); re-exported here.
from .framework.graph import _default_session_stack, _eval_in_session, get_default_session  # noqa: F401
from .framework.tensor_shape import shape_str
from .kernels.memory import tune_allocator as _tune_allocator
from .kernels.threads import CONTROLLER as _THREADS
from .placement import is_host_input

# Tests set TFGRAPH_CHECK_KERNELS=1: every kernel output is checked against the op's static
# dtype and shape (catches float64 leaks and shape-rule bugs anywhere in the suite).
CHECK_KERNELS = os.environ.get("TFGRAPH_CHECK_KERNELS", "") not in ("", "0")


def _silence_kernel_fp_warnings() -> None:
    """TF1 kernels produce NaN and Inf silently (sqrt(-1), log(0), overflow); NumPy would warn
    from inside tfgraph's kernels and generated plans. The filter is scoped to tfgraph's own
    modules, and (re)installed per session since `warnings.catch_warnings` blocks restore the
    filter list on exit."""
    for f in warnings.filters:
        if f[0] == "ignore" and f[2] is RuntimeWarning and f[3] is not None and \
                f[3].pattern == _TFGRAPH_MODULES:
            return
    warnings.filterwarnings("ignore", message=r".*encountered in", category=RuntimeWarning,
                            module=_TFGRAPH_MODULES)


_TFGRAPH_MODULES = r"tfgraph(\.|$)"

_codegen_counter = itertools.count()


class _VariableCell:
    """A session's storage for one variable: its current value on its device (None: uninitialized)."""

    __slots__ = ("value", "op", "backend")

    def __init__(self, op: Operation, backend: Backend):
        self.value = None
        self.op = op
        self.backend = backend


class _Plan:
    """A compiled run: the generated function plus what is needed to report errors."""

    __slots__ = ("fn", "code", "line_info", "feed_tensors", "ops", "backends", "source",
                 "own_threads")

    def __init__(self, fn, code, line_info, feed_tensors, ops, backends, source=""):
        self.fn = fn
        # batch-parallel kernels on the CPU: the run uses tfgraph's threads and BLAS one;
        # products without them: BLAS's threads; neither: whatever the last run set (None)
        cpu = [op._op_def for op in ops if backends[op].name == "numpy"]
        self.own_threads = True if any(d.batch_parallel for d in cpu) else \
            False if any(d.uses_blas for d in cpu) else None
        self.code = code
        self.line_info = line_info
        self.feed_tensors = feed_tensors
        self.ops = ops
        self.backends = backends  # op -> Backend (shape arithmetic in host memory: NumPy)
        self.source = source  # the generated Python text (see `BaseSession._plan_source`)


def _freeze(fetches: Any) -> Any:
    """A hashable key for an arbitrary nesting of fetches (lists/dicts are not hashable)."""
    t = type(fetches)
    if isinstance(fetches, (list, tuple)):
        return (t, tuple(_freeze(f) for f in fetches))
    if isinstance(fetches, dict):
        return (t, tuple((k, _freeze(v)) for k, v in fetches.items()))
    return fetches


class BaseSession(RunContext):
    """Runs ops of a graph. See `Session`."""

    def __init__(self, target: str = "", graph: Optional[Graph] = None, config: Any = None):
        if graph is None:
            graph = get_default_graph()
        elif not isinstance(graph, Graph):
            raise TypeError(f"graph must be a tf.Graph, but got {type(graph).__name__}")
        self._graph = graph
        self._target = target
        self._config = config
        self._closed = False
        self._plans: Dict[Any, _Plan] = {}
        self._plans_control_edits = graph._control_edits
        self._cells: Dict[Operation, _VariableCell] = {}
        self._rngs: Dict[Operation, Any] = {}
        # The RunContext kernels get as `ctx`: `run_serial` counts runs (a value cached by one
        # kernel for another is valid within one run: conv_ops' im2col), per-session
        # resources (iterators, queues: closed with the session) and per-run scratch.
        self._init_run_context()
        # `_lock` serializes runs *and* plan compilation: compiling binds kernels to variable
        # cells and random generators, which must be created once per session, whichever
        # thread makes the first run. `_state_lock` guards their creation on its own too.
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        _silence_kernel_fp_warnings()
        _tune_allocator()  # reuse freed step arrays instead of page-faulting new ones
        from .placement import Placer
        self._placer = Placer(config)

    # --- properties ---------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def graph_def(self):
        return self._graph.as_graph_def() if hasattr(self._graph, "as_graph_def") else None

    @property
    def sess_str(self) -> str:
        return self._target

    # --- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Closes the session and frees the variables' values."""
        self._closed = True
        self._plans.clear()
        self._cells.clear()
        self._rngs.clear()
        self._clear_run_context()  # closes resources: stops prefetch / queue-runner threads

    def __repr__(self) -> str:
        # Names the graph, the devices and the state, e.g.
        # <tf.Session: graph of 42 ops, devices CPU:0, open, 4 of 4 variables initialized>
        if self._closed:
            state = "closed"
        else:
            var_ops = {v.op for v in self._graph.get_collection("variables")}
            ready = sum(1 for op, cell in self._cells.items()
                        if op in var_ops and cell.value is not None)
            state = f"open, {ready} of {len(var_ops)} variables initialized"
        devices = ["CPU:0"] + (["GPU:0"] if self._placer.gpu_status()[0] else [])
        target = f", target {self._target!r}" if self._target else ""
        return (f"<tf.{type(self).__name__}: graph of {len(self._graph.get_operations())} ops "
                f"at {id(self._graph):#x}, devices {', '.join(devices)}{target}, {state}>")

    def as_default(self):
        """A context manager making this the default session (does not close it)."""
        return _DefaultSessionContext(self, close_on_exit=False)

    def __enter__(self) -> "BaseSession":
        self._ctx = _DefaultSessionContext(self, close_on_exit=True)
        return self._ctx.__enter__()

    def __exit__(self, *exc) -> bool:
        ctx, self._ctx = self._ctx, None  # no session <-> context cycle left behind
        return ctx.__exit__(*exc)

    def __del__(self):
        try:
            self._cells.clear()
        except Exception:
            pass

    # --- state used by stateful kernels ---------------------------------------------------
    def variable_cell(self, var_op: Operation) -> _VariableCell:
        """The storage of variable `var_op` in this session (created empty on first use)."""
        cell = self._cells.get(var_op)
        if cell is None:
            with self._state_lock:
                cell = self._cells.get(var_op)
                if cell is None:
                    cell = _VariableCell(var_op, self._placer.backend_for(var_op))
                    self._cells[var_op] = cell
        return cell

    def random_state(self, op: Operation, be: Backend, seed: Optional[int]):
        """The random generator of `op` in this session: seeded once, advancing every run."""
        rng = self._rngs.get(op)
        if rng is None:
            with self._state_lock:
                rng = self._rngs.get(op)
                if rng is None:
                    rng = be.rng(seed)
                    self._rngs[op] = rng
        return rng

    # --- running --------------------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: Optional[dict] = None, options: Any = None,
            run_metadata: Any = None) -> Any:
        """Runs the ops needed for `fetches` and returns their values.

        Args:
          fetches: A Tensor, Operation, tensor/op name, Variable, or any nesting of
            list/tuple/namedtuple/dict of them.
          feed_dict: Maps tensors (or their names) to values that replace them for this run.
          options, run_metadata: Accepted for compatibility; ignored.

        Returns:
          The fetched values as NumPy arrays (None for operations), in the structure of
          `fetches`.

        Raises:
          RuntimeError: If the session is closed.
          TypeError / ValueError: For bad fetches or feed values (wrong shape or dtype).
          tf.errors.InvalidArgumentError: If a needed placeholder is not fed, or a kernel fails.
          tf.errors.FailedPreconditionError: If an uninitialized variable is read.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        keys = tuple(feed_dict) if feed_dict else ()
        try:
            key = (fetches.__class__, tuple(fetches) if fetches.__class__ is list else fetches, keys)
            plan = self._plans.get(key)
        except TypeError:
            key = (_freeze(fetches), keys)
            try:
                plan = self._plans.get(key)
            except TypeError:  # an unhashable fetch (an ndarray, a set): not a graph element
                plan = self._compile(fetches, keys)  # raises, naming the fetch and its type
        if plan is None and feed_dict and any(hasattr(k, "_fetch_components") for k in feed_dict):
            # SparseTensor feeds become their component feeds; plans are cached under the
            # expanded keys, so a cached plan means there was nothing to expand (no per-run scan)
            feed_dict = _expand_sparse_feeds(feed_dict)
            keys = tuple(feed_dict)
            key = key[:-1] + (keys,)
            plan = self._plans.get(key)
        if plan is None or self._graph._control_edits != self._plans_control_edits:
            plan = self._cached_plan(key, fetches, keys)
        try:
            # One run at a time: kernels reuse workspaces across runs (conv im2col buffers) and
            # update variables in place, so concurrent runs from several threads serialize.
            with self._lock:
                self._run_serial += 1
                # BLAS threads sized to the cores other processes leave free, or held at one
                # while the plan's kernels split their batches over tfgraph's threads
                _THREADS.tick(plan.own_threads)
                if feed_dict:
                    return plan.fn(*feed_dict.values())
                return plan.fn()
        except errors.OpError:
            raise
        except Exception as e:  # noqa: BLE001 - translated to name the op or tensor involved
            raise self._translate_error(plan, e, tuple(feed_dict.values()) if feed_dict else ()) \
                from e

    def make_callable(self, fetches: Any, feed_list: Optional[Sequence[Any]] = None,
                      accept_options: bool = False) -> Callable:
        """Returns `f(*feed_values)` that runs `fetches` with `feed_list` fed (no per-call lookup)."""
        keys = tuple(feed_list or ())
        with self._lock:
            plan = self._compile(fetches, keys)

        def call(*args, **kwargs):
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(args) != len(keys):
                raise ValueError(f"callable expects {len(keys)} feed values, got {len(args)}")
            try:
                with self._lock:
                    self._run_serial += 1
                    _THREADS.tick(plan.own_threads)
                    return plan.fn(*args)
            except errors.OpError:
                raise
            except Exception as e:  # noqa: BLE001
                raise self._translate_error(plan, e, args) from e

        return call

    def _plan_source(self, fetches: Any, feed_dict: Optional[dict] = None) -> str:
        """The Python source of the plan `run(fetches, feed_dict)` executes (for debugging).

        One line per kernel call, transfer and feed, each commented with the op type, op name
        and device (`t3 = _k2(t1, t2)  # MatMul 'dense/MatMul' @cpu`), and a `del` after each
        value's last use. Only the keys of `feed_dict` matter. Nothing is run.

        Example:
          print(sess._plan_source(train_op, {x: None, y: None}))
        """
        keys = tuple(feed_dict) if feed_dict else ()
        with self._lock:
            return self._compile(fetches, keys).source

    def list_devices(self) -> List[str]:
        return self._placer.list_devices()

    # --- plan compilation -------------------------------------------------------------------
    def _cached_plan(self, key: Any, fetches: Any, keys: Tuple) -> _Plan:
        """The plan for `key`, compiled under the session lock if no thread has made it yet
        (so concurrent first runs bind the same variable cells)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if self._graph._control_edits != self._plans_control_edits:
                self._plans.clear()
                self._plans_control_edits = self._graph._control_edits
            plan = self._plans.get(key)
            if plan is None:
                plan = self._compile(fetches, keys)
                self._plans[key] = plan
            return plan

    def _resolve_fetch(self, f: Any):
        if f is None:
            raise TypeError(f"Fetch argument {f!r} has invalid type {type(f)}")
        try:
            return self._graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
        except TypeError as e:
            raise TypeError(f"Fetch argument {f!r} has invalid type {type(f)}, must be a string "
                            f"or Tensor. ({e})") from None
        except ValueError as e:
            raise ValueError(f"Fetch argument {f!r} cannot be interpreted as a Tensor. ({e})") from None
        except KeyError as e:
            raise ValueError(f"Fetch argument {f!r} cannot be interpreted as a Tensor. "
                             f"({e.args[0]})") from None

    def _resolve_feed(self, k: Any) -> Tensor:
        try:
            t = self._graph.as_graph_element(k, allow_tensor=True, allow_operation=False)
        except TypeError as e:
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {e}") from None
        except (ValueError, KeyError) as e:
            msg = e.args[0] if e.args else str(e)
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {msg}") from None
        return t

    def _compile(self, fetches: Any, feed_keys: Tuple) -> _Plan:
        graph = self._graph
        # 1. Fetch structure -> flat list of elements.
        flat: List[Any] = []
        structure = _flatten_fetches(fetches, self._resolve_fetch, flat)
        feed_tensors = [self._resolve_feed(k) for k in feed_keys]
        fed = {t: i for i, t in enumerate(feed_tensors)}
        if len(fed) != len(feed_tensors):
            raise ValueError("feed_dict names the same tensor twice")

        # 2. Prune: ancestors of the fetches through data and control edges, cut at fed
        #    tensors; inputs taken by reference (variables) bind storage, not a value.
        #    (A fetched op that is a fed placeholder has nothing to run.)
        roots = [e if isinstance(e, Operation) else e.op for e in flat
                 if not (e in fed if isinstance(e, Tensor) else _is_fed_source(e, fed))]
        needed = ancestors(roots, cut=fed, follow_refs=False,
                           skip_control=lambda c: _is_fed_source(c, fed))

        # 3. Order. Ops can only consume ops that already exist, so creation order is a
        #    topological order -- unless control inputs were added to existing ops later
        #    (`op._add_control_input`): then networkx orders the subgraph and finds cycles.
        control_flow = _has_control_flow(needed)
        if control_flow:  # loops' back edges make creation order wrong; cycles are legal
            from .plan_control_flow import order_ops
            order = order_ops(needed, fed)
        elif graph._control_edits:
            order = _networkx_order(needed, fed)
        else:
            order = sorted(needed, key=_creation_id)

        # 4. A needed placeholder must be fed.
        for op in order:
            if op.type == "Placeholder" and op._outputs[0] not in fed:
                t = op._outputs[0]
                raise errors.InvalidArgumentError(
                    None, op,
                    f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                    f"{t.dtype.name}" + ("" if t.shape.ndims is None else
                                         f" and shape {shape_str(t.shape.as_tuple())}")
                    + f"\n\t [[node {op.name}]]")

        # 5. Placement, then code generation.
        fetched = {e for e in flat if isinstance(e, Tensor)}
        backends = self._placer.place(order, graph, fed, fetched)
        gen = _control_flow_codegen() if control_flow else _CodeGen
        return gen(self, order, backends, flat, structure, feed_tensors, fed).build()

    def _translate_error(self, plan: _Plan, e: Exception, feed_values: Sequence[Any] = ()) \
            -> Exception:
        """The error to raise for `e`, raised while running `plan` with `feed_values`: names
        the fed tensor, or the op, its inputs and their run-time shapes."""
        tb = e.__traceback__
        info = frame = None
        while tb is not None:
            if tb.tb_frame.f_code is plan.code:
                info = plan.line_info.get(tb.tb_lineno)
                frame = tb.tb_frame
            tb = tb.tb_next
        if info is None:
            return e
        kind, obj = info[0], info[1]
        if kind == "as_is":
            return e
        if kind == "feed":
            i = plan.feed_tensors.index(obj)
            return _feed_error(obj, feed_values[i] if i < len(feed_values) else None, e)
        op = obj
        if isinstance(e, MemoryError):
            return errors.ResourceExhaustedError(None, op, f"OOM when running op '{op.name}' "
                                                           f"({op.type}): {e}")
        where = f"op '{op.name}' ({op.type}" + (f", device '{op.device}'" if op.device else "") + ")"
        shapes = _input_shapes(op, info[2], frame) if len(info) > 2 else None
        if shapes:
            where += " with inputs " + ", ".join(f"'{n}' {s}" for n, s in shapes)
        if shapes and len(shapes) == 2 and "could not be broadcast" in str(e):
            # NumPy's text names remapped operand shapes; TF1 names the two input shapes.
            msg = f"Incompatible shapes: {shapes[0][1]} vs. {shapes[1][1]} in {where}"
        else:
            msg = f"{type(e).__name__} in {where}: {e}"
        return errors.InvalidArgumentError(None, op, f"{msg}\n\t [[node {op.name}]]")


def _tf_shape(shape: Tuple[int, ...]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _input_shapes(op: Operation, in_vars: Sequence[str], frame) -> Optional[List[Tuple[str, str]]]:
    """(tensor name, run-time shape) of `op`'s value inputs, read from the failed plan frame."""
    inputs = [t for i, t in enumerate(op._inputs) if i not in op._op_def.ref_inputs]
    if frame is None or len(inputs) != len(in_vars):
        return None
    local, glob = frame.f_locals, frame.f_globals
    out = []
    for t, var in zip(inputs, in_vars):
        v = local.get(var, glob.get(var))
        shape = getattr(v, "shape", None)
        out.append((t.name, _tf_shape(tuple(shape)) if shape is not None else "?"))
    return out


def _feed_error(t: Tensor, value: Any, e: Exception) -> Exception:
    """TF1's error for a feed value that cannot become `t`'s dtype."""
    if _holds_graph_element(value):
        return TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
            "Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, "
            f"the tensor object was {value} which was passed to the feed with key {t}.")
    if isinstance(e, OverflowError):
        return TypeError(
            f"Type of feed value {reprlib.repr(value)} with type {type(value)} is not compatible "
            f"with Tensor type {t.dtype.name} of tensor '{t.name}'. Try explicitly setting the "
            f"type of the feed tensor to a larger type (e.g. int64). ({e})")
    if isinstance(e, (TypeError, ValueError)):
        return type(e)(f"Cannot feed value for tensor '{t.name}' of dtype {t.dtype.name}: {e}")
    return e


def _holds_graph_element(value: Any) -> bool:
    """Whether a feed value is (or is a list of) graph tensors or variables."""
    if isinstance(value, (list, tuple)):
        return any(_holds_graph_element(v) for v in value[:16])
    return isinstance(value, (Tensor, Operation)) or hasattr(value, "_as_graph_element")


class _CodeGen:
    """Turns an ordered, placed subgraph into the straight-line run function."""

    def __init__(self, sess, order, backends, flat, structure, feed_tensors, fed):
        self.sess = sess
        self.order = order
        self.backends = backends  # op -> Backend
        self.flat = flat
        self.structure = structure
        self.feed_tensors = feed_tensors
        self.fed = fed
        # `__name__` attributes warnings raised in the generated code to tfgraph (see above).
        self.ns: Dict[str, Any] = {"_np": np, "__name__": "tfgraph.plan"}
        # code, uses, defines, info (for error translation), comment (names the op and device)
        self.lines: List[Tuple[str, List[str], List[str], Any, Optional[str]]] = []
        self.fresh: set = set()  # locals holding a kernel's new array that nothing else holds
        self.inplace: Dict[int, Tuple[str, str]] = {}  # line -> (input local, in-place code)
        self.var_of: Dict[Tuple[Tensor, str], str] = {}  # (tensor, backend name) -> local name
        self.home: Dict[Tensor, Backend] = {}  # tensor -> backend its value lives on
        self.counter = itertools.count()
        self.plan_ops = set(order)
        self.bound: Dict[str, List[Tensor]] = {}  # local -> tensors bound to it by identities
        # Variable reads: a VariableV2 output's local is read where the variable op is ordered.
        # An assignment ordered after it makes that local stale (`Assign` stores a new array),
        # so the next op consuming the variable -- or an identity of it bound without a copy,
        # as TF1's snapshot aliases the variable's buffer -- reads it again (see `emit_op`).
        self.stale_vars: set = set()  # VariableV2 outputs assigned since their local was read
        self.var_alias: Dict[Tensor, Tensor] = {}  # identity output -> the VariableV2 output

    def const(self, value: Any, prefix: str = "c") -> str:
        name = f"_{prefix}{next(self.counter)}"
        self.ns[name] = value
        return name

    def new_var(self) -> str:
        return f"t{next(self.counter)}"

    def emit(self, code: str, uses: Sequence[str], defines: Sequence[str], info: Any = None,
             comment: Optional[str] = None):
        if comment is None and info is not None and info[0] == "op":
            op = info[1]
            comment = f"{op.type} '{op.name}' @{_device_label(self.backends[op])}"
        self.lines.append((code, list(uses), list(defines), info, comment))

    def value_on(self, t: Tensor, be: Backend) -> str:
        """The local holding `t`'s value on backend `be`, adding one transfer if needed."""
        var = self.var_of.get((t, be.name))
        if var is not None:
            return var
        src_be = self.home[t]
        src = self.var_of[(t, src_be.name)]
        if be.is_host and t.op.type == "Const" and t not in self.fed:
            # A constant needed on the host (a shape, an axis): bind its value, no transfer.
            var = self.const(t.op.attrs["value"], "hc")
            self.var_of[(t, be.name)] = var
            return var
        var = self.new_var()
        note = f"copy '{t.name}' @{_device_label(src_be)} -> @{_device_label(be)}"
        if src_be.is_host and not be.is_host:
            fn = self.const(be.from_host, "up")
            self.emit(f"{var} = {fn}({src})", [src], [var], ("op", t.op), note)
        elif be.is_host and not src_be.is_host:
            fn = self.const(src_be.to_host, "down")
            self.emit(f"{var} = {fn}({src})", [src], [var], ("op", t.op), note)
        else:
            down = self.const(src_be.to_host, "down")
            up = self.const(be.from_host, "up")
            self.emit(f"{var} = {up}({down}({src}))", [src], [var], ("op", t.op), note)
        self.var_of[(t, be.name)] = var
        return var

    def scalar_of(self, t: Tensor) -> str:
        """The local holding the 0-d host value `t` as a NumPy scalar: an operand that device
        kernels of `scalar_operands_ok` ops take as is (no transfer: `x / n_float`)."""
        key = (t, "scalar")
        var = self.var_of.get(key)
        if var is None:
            src = self.var_of[(t, self.home[t].name)]
            var = self.new_var()
            self.emit(f"{var} = {src}[()]", [src], [var], ("op", t.op),
                      f"'{t.name}' as a host scalar operand")
            self.var_of[key] = var
        return var

    def _scalar_operands(self, op: Operation, be: Backend) -> Sequence[int]:
        """Inputs of `op` (on device `be`) passed as NumPy scalars: 0-d values in host memory,
        as long as another operand is a device array (which makes the result one)."""
        if be.is_host or not op._op_def.scalar_operands_ok:
            return ()
        ins = op._inputs
        picked: List[int] = []
        for j in reversed(range(len(ins))):
            t = ins[j]
            if t.shape.ndims == 0 and self.home[t].is_host and \
                    any(k != j and k not in picked for k in range(len(ins))):
                picked.append(j)
        return picked

    def build(self) -> _Plan:
        args = self.emit_feeds()
        for op in self.order:
            self.emit_op(op)
        self.emit_fetches()
        return self._assemble(args)

    def emit_feeds(self) -> List[str]:
        """Feed conversion lines; returns the run function's argument names."""
        # Feeds: positional arguments v0..vn in feed_dict order.
        args = [f"v{i}" for i in range(len(self.feed_tensors))]
        for i, t in enumerate(self.feed_tensors):
            var = self.new_var()
            dt = self.const(t.dtype.np_dtype, "dt")
            # String feeds hold bytes, as in TF1 (`str` is UTF-8 encoded).
            conv = "_as_bytes_array" if t.dtype.np_dtype == object else "_asarray"
            dims = t.shape.as_tuple()
            if dims == () and conv == "_asarray":
                # a NumPy scalar of the feed's dtype is used as it is (kernels already take
                # scalars: ufuncs of 0-d arrays return them), saving a 0-d array a feed
                st = self.const(t.dtype.np_dtype.type, "st")
                code = f"{var} = v{i} if v{i}.__class__ is {st} else {conv}(v{i}, {dt})"
            else:
                code = f"{var} = {conv}(v{i}, {dt})"
            self.emit(code, [], [var], ("feed", t), f"feed '{t.name}'")
            if dims is not None:
                bad = self.const(_bad_feed_shape(t), "badshape")
                if all(d is not None for d in dims):
                    cond = f"{var}.shape != {tuple(dims)!r}"
                else:
                    parts = [f"len({var}.shape) != {len(dims)}"]
                    parts += [f"{var}.shape[{k}] != {d}" for k, d in enumerate(dims) if d is not None]
                    cond = " or ".join(parts)
                self.emit(f"if {cond}: {bad}({var})", [var], [], ("as_is", None),
                          f"shape check of '{t.name}'")
            self.var_of[(t, "numpy")] = var  # fed values arrive on the host
            self.home[t] = get_backend("numpy")
        self.ns["_asarray"] = np.asarray
        self.ns["_as_bytes_array"] = _feed_bytes
        return args

    def emit_op(self, op: Operation) -> None:
        """The line running one op's kernel (or binding its input, for identity-like ops)."""
        host = get_backend("numpy")
        be = self.backends[op]
        od = op._op_def
        refs = od.ref_inputs
        if self.stale_vars and self.fresh_reads_here():
            self._reread_variables(op)
        # `host_inputs`: inputs the kernel reads on the host (shapes, axes), as TF1's HostMemory.
        scalars = self._scalar_operands(op, be)
        in_vars = [self.scalar_of(t) if i in scalars else
                   self.value_on(t, host if is_host_input(op, i) else be)
                   for i, t in enumerate(op._inputs) if i not in refs]
        if od.mutates_variables:
            self.stale_vars.update(t for i, t in enumerate(op._inputs)
                                   if i in refs and t._op.type == "VariableV2")
        outs = op._outputs
        # Identity-like ops on one device bind a name, no call.
        if od.is_identity and len(in_vars) == 1 and outs[0] not in self.fed:
            self.var_of[(outs[0], be.name)] = in_vars[0]
            self.home[outs[0]] = be
            self.bound.setdefault(in_vars[0], [op._inputs[0]]).append(outs[0])
            src = op._inputs[0]
            var = src if src._op.type == "VariableV2" else self.var_alias.get(src)
            if var is not None and self.var_of.get((var, self.home[var].name)) == in_vars[0]:
                self.var_alias[outs[0]] = var  # same local, no transfer: a snapshot alias
            return
        kern = od.kernel(be, op, self.sess)
        if kern is None:
            return
        k = self.const(kern, "k")
        call = f"{k}({', '.join(in_vars)})"
        out_vars = []
        h_out = od.host_outputs  # outputs made in host memory (Shape, ...)
        for i, t in enumerate(outs):
            if t in self.fed:
                out_vars.append("_")
            else:
                v = self.new_var()
                home = host if i in h_out else be
                self.var_of[(t, home.name)] = v
                self.home[t] = home
                out_vars.append(v)
        if not outs:
            self.emit(call, in_vars, [], ("op", op, in_vars))
        elif len(outs) == 1 and not op._sequence_outputs:
            self._maybe_inplace(op, be, in_vars, out_vars[0])
            self.emit(f"{out_vars[0]} = {call}", in_vars, [out_vars[0]], ("op", op, in_vars))
        else:
            self.emit(f"{', '.join(out_vars)}, = {call}", in_vars, out_vars,
                      ("op", op, in_vars))
        if od.fresh_outputs:
            self.fresh.update(v for v in out_vars if v != "_")
        if CHECK_KERNELS:
            chk = self.const(_kernel_checker(op), "chk")
            self.emit(f"{chk}({', '.join(out_vars)})", out_vars, [], ("as_is", None),
                      f"check outputs of '{op.name}'")

    def fresh_reads_here(self) -> bool:
        """Whether a variable read may be emitted at this point of the plan (the control-flow
        generator says no inside cond branches and loop bodies, which read on their own)."""
        return True

    def _reread_variables(self, op: Operation) -> None:
        """Reads again each variable that `op` consumes (directly or through a snapshot alias)
        and that was assigned after its local was read, and rebinds the variable's aliases."""
        refs = op._op_def.ref_inputs
        for i, t in enumerate(op._inputs):
            if i in refs:
                continue
            var = t if t._op.type == "VariableV2" else self.var_alias.get(t)
            if var is None or var not in self.stale_vars or var in self.fed:
                continue
            self.stale_vars.discard(var)
            be = self.backends[var._op]
            kern = self.const(var._op._op_def.kernel(be, var._op, self.sess), "k")
            v = self.new_var()
            self.emit(f"{v} = {kern}()", [], [v], ("op", var._op),
                      f"read '{var.name}' again after its assignment")
            for a in [var] + [x for x, src in self.var_alias.items() if src is var]:
                for k in [k for k in self.var_of if k[0] is a]:
                    del self.var_of[k]  # copies on other devices are made again from `v`
                self.var_of[(a, be.name)] = v
                self.home[a] = be

    def emit_fetches(self) -> None:
        """The return statement: the fetch structure of host NumPy values."""
        # A value that may be a variable's storage is copied, so a later in-place update
        # cannot change what the user holds.
        aliases = _variable_aliases(self.order, self.fed)
        host = get_backend("numpy")
        fetch_exprs = []
        for e in self.flat:
            if isinstance(e, Operation):
                fetch_exprs.append("None")
                continue
            src_be = self.home[e]
            if src_be.is_host:
                expr = self.var_of[(e, src_be.name)]
                if e in aliases:
                    expr = f"{self.const(_copy_host, 'copy')}({expr})"
            else:
                expr = self.value_on(e, host)
            if e.shape.ndims is None or e.shape.ndims == 0:
                expr = f"{self.const(_as_fetched_scalar, 'scalar')}({expr})"
            fetch_exprs.append(expr)
        ret = self._structure_expr(self.structure, fetch_exprs)
        self.emit(f"return {ret}", re.findall(r"\bt\d+\b", ret), [], ("as_is", None))

    def _maybe_inplace(self, op: Operation, be: Backend, in_vars: List[str], out_var: str) -> None:
        """Records an in-place alternative for the line about to be emitted, if `op` can write
        into its first input: a fresh array of this plan (not fed, constant or a variable's
        storage), on this device, that no view-returning op consumes. `_assemble` uses it
        only when that line is the input's last use."""
        if not op._inputs or 0 in op._op_def.ref_inputs or not in_vars:
            return
        var = in_vars[0]
        t = op._inputs[0]
        if var not in self.fresh or self.var_of.get((t, be.name)) != var:
            return
        if t.dtype != op._outputs[0].dtype or not t.shape.ndims:
            return  # 0-d results may be NumPy scalars, which have no buffer to write into
        for bound in self.bound.get(var, (t,)):  # the tensor and its identity aliases
            if any(c._op_def.may_alias_input for c in bound._consumers if c in self.plan_ops):
                return
        kern = op._op_def.inplace_kernel(be, op, self.sess)
        if kern is None:
            return
        k = self.const(kern, "ip")
        self.inplace[len(self.lines)] = (var, f"{out_var} = {k}({', '.join(in_vars)})")

    def _structure_expr(self, s, exprs) -> str:
        if isinstance(s, int):
            return exprs[s]
        typ, items = s
        if issubclass(typ, dict):
            body = ", ".join(f"{self.const(k, 'key')}: {self._structure_expr(v, exprs)}" for k, v in items)
            d = "{" + body + "}"
            return d if typ is dict else f"{self.const(typ, 'T')}({d})"
        inner = [self._structure_expr(x, exprs) for x in items]
        if typ is list:
            return "[" + ", ".join(inner) + "]"
        if typ is tuple:
            return "(" + "".join(x + ", " for x in inner) + ")"
        if hasattr(typ, "_fields"):  # namedtuple
            return f"{self.const(typ, 'T')}({', '.join(inner)})"
        return f"{self.const(typ, 'T')}([{', '.join(inner)}])"

    def _assemble(self, args: List[str]) -> _Plan:
        # Liveness: release each local right after its last use.
        last_use: Dict[str, int] = {}
        for i, (_, uses, defines, _, _) in enumerate(self.lines):
            for v in itertools.chain(uses, defines):
                last_use[v] = i
        src = [f"def _run({', '.join(args)}):"]
        line_info: Dict[int, Any] = {}
        for i, (code, uses, defines, info, comment) in enumerate(self.lines):
            alt = self.inplace.get(i)
            if alt is not None and last_use[alt[0]] == i:
                code = alt[1]  # the input dies here: reuse its buffer for the result
                comment += " (in place)"
            # Every generated line says what it runs: `# MatMul 'dense/MatMul' @cpu`.
            src.append(f"    {code}  # {comment}" if comment else "    " + code)
            line_info[len(src)] = info
            if code.startswith("return"):
                continue
            # Locals only: "_..." names are namespace constants (kernels, host-bound Consts).
            dead = sorted({v for v in itertools.chain(uses, defines)
                           if last_use[v] == i and not v.startswith("_")})
            if dead:
                src.append(f"    del {', '.join(dead)}")
        if len(src) == 1:
            src.append("    return None")
        text = "\n".join(src) + "\n"
        filename = f"<tfgraph-plan-{next(_codegen_counter)}>"
        code = compile(text, filename, "exec")
        exec(code, self.ns)
        fn = self.ns.pop("_run")  # not left in its own globals: no reference cycle
        # The source stays readable in tracebacks (linecache) while the plan lives, and is
        # dropped with it: a long-lived process making many sessions does not grow.
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        weakref.finalize(fn, linecache.cache.pop, filename, None)
        return _Plan(fn, fn.__code__, line_info, self.feed_tensors, self.order, self.backends,
                     text)


def _device_label(be: Backend) -> str:
    """How plan comments name a device: "cpu" (host memory), "gpu:0", "gpu:0[strict]"."""
    if be.is_host:
        return "cpu"
    label = f"{be.device_type.lower()}:{be.device_index}"
    return label if be.name == "cupy" else f"{label}[{be.name}]"


def _expand_sparse_feeds(feed_dict: dict) -> dict:
    """A SparseTensor key (`tf.sparse_placeholder`) fed with a SparseTensorValue or an
    `(indices, values, dense_shape)` tuple becomes three feeds of its component tensors."""
    out = {}
    for k, v in feed_dict.items():
        if not hasattr(k, "_fetch_components"):
            out[k] = v
            continue
        # (an IndexedSlices key, fed an IndexedSlicesValue, works the same way)
        typ, components = k._fetch_components()
        fields = typ._fields
        parts = tuple(getattr(v, f) for f in fields) if hasattr(v, "dense_shape") else v
        if not isinstance(parts, (tuple, list)) or len(parts) != len(fields):
            raise TypeError(f"A {type(k).__name__} feed ({k.values.name}) must be a "
                            f"{typ.__name__} or an ({', '.join(fields)}) tuple, "
                            f"got {type(v).__name__}")
        for t, x in zip(components, parts):
            if t.op.type == "Placeholder":
                out[t] = x
    return out


def _flatten_fetches(f: Any, resolve: Callable, flat: List[Any]) -> Any:
    """Appends the graph elements of the nesting `f` to `flat`; returns its structure (a
    module function, not a recursive closure: that would be a reference cycle per plan)."""
    expand = getattr(f, "_fetch_components", None)  # SparseTensor -> SparseTensorValue
    if expand is not None:
        typ, parts = expand()
        return (typ, [_flatten_fetches(x, resolve, flat) for x in parts])
    if isinstance(f, (list, tuple)):
        return (type(f), [_flatten_fetches(x, resolve, flat) for x in f])
    if isinstance(f, dict):
        return (type(f), [(k, _flatten_fetches(v, resolve, flat)) for k, v in f.items()])
    flat.append(resolve(f))
    return len(flat) - 1


_cf_codegen_cls: List[Any] = []


def _has_control_flow(ops) -> bool:
    """Whether a plan has cond/loop ops (planned by plan_control_flow.py)."""
    for op in ops:
        if op._op_def.type_name in CONTROL_FLOW_TYPES:
            return True
    return False


def _control_flow_codegen():
    """The `_CodeGen` subclass that structures conds and loops (made once, on first use)."""
    if not _cf_codegen_cls:
        from .plan_control_flow import make_codegen_class
        _cf_codegen_cls.append(make_codegen_class(_CodeGen, _Plan, _codegen_counter))
    return _cf_codegen_cls[0]


def _creation_id(op: Operation) -> int:
    return op._id


def _networkx_order(needed, fed) -> List[Operation]:
    """Topological order of `needed` (creation order among ties) with networkx.

    Raises:
      tf.errors.InvalidArgumentError: If the subgraph has a cycle (named op by op).
    """
    import networkx as nx
    g = nx.DiGraph()
    g.add_nodes_from(needed)
    for op in needed:
        refs = op._op_def.ref_inputs
        for i, t in enumerate(op._inputs):
            if t not in fed and i not in refs:
                g.add_edge(t._op, op)
        for c in op._control_inputs:
            if c in needed:  # a fed placeholder/constant as a control input has run
                g.add_edge(c, op)
    try:
        return list(nx.lexicographical_topological_sort(g, key=_creation_id))
    except nx.NetworkXUnfeasible:
        cyc = nx.find_cycle(g)
        raise errors.InvalidArgumentError(
            None, None, "Graph has a cycle through: " + " -> ".join(a.name for a, _ in cyc)) from None


def _feed_bytes(value: Any, dtype: Any) -> np.ndarray:
    """A fed string value as an object array of bytes (TF1's string tensors hold bytes).

    Raises:
      TypeError: For an element that is not a string (a number, a tf.Tensor).
    """
    arr = _as_bytes_array(np.asarray(value, dtype=object))
    for x in arr.flat:
        if not isinstance(x, bytes):
            raise TypeError(f"Expected a string (bytes or str), got {x!r} of type "
                            f"'{type(x).__name__}'")
    return arr


def _bad_feed_shape(t: Tensor) -> Callable:
    def bad(value):
        raise ValueError(f"Cannot feed value of shape {tuple(value.shape)} for Tensor "
                         f"'{t.name}', which has shape '{t.shape}'")
    return bad


def _is_fed_source(op: Operation, fed) -> bool:
    """A placeholder or constant whose outputs are all fed: as a control input it has 'run'."""
    return op.type in ("Placeholder", "PlaceholderWithDefault", "Const") and \
        all(t in fed for t in op._outputs)


def _kernel_checker(op: Operation) -> Callable:
    outs = op._outputs

    def check(*values):
        for t, v in zip(outs, values):
            dt = getattr(v, "dtype", None)
            if dt is None or np.dtype(dt) != t.dtype.np_dtype:
                raise errors.InternalError(
                    None, op, f"kernel of op '{op.name}' ({op.type}) returned dtype {dt} "
                              f"({type(v).__name__}), static dtype is {t.dtype.name}")
            shape = getattr(v, "shape", None)
            if shape is None or not t.shape.is_compatible_with(tuple(shape)):
                raise errors.InternalError(
                    None, op, f"kernel of op '{op.name}' ({op.type}) returned shape {shape}, "
                              f"static shape is {t.shape}")
    return check


def _variable_aliases(order: Sequence[Operation], fed) -> set:
    """Tensors whose value may be (a view of) a variable's storage."""
    alias: set = set()
    for op in order:
        od = op._op_def
        if op.type == "VariableV2" or od.mutates_variables or (
                od.may_alias_input and any(t in alias for t in op._inputs)):
            for t in op._outputs:
                if t not in fed:
                    alias.add(t)
    return alias


def _copy_host(x):
    return x.copy()


def _as_fetched_scalar(x):
    # TF1 returns NumPy scalars (np.float32) for 0-d tensors.
    if type(x) is np.ndarray and x.ndim == 0:
        return x[()]
    return x


class _DefaultSessionContext:
    def __init__(self, sess: BaseSession, close_on_exit: bool):
        self._sess = sess
        self._close = close_on_exit
        self._graph_ctx = None

    def __enter__(self):
        _default_session_stack.append(self._sess)
        self._graph_ctx = self._sess.graph.as_default()
        self._graph_ctx.__enter__()
        return self._sess

    def __exit__(self, *exc):
        self._graph_ctx.__exit__(*exc)
        if _default_session_stack and _default_session_stack[-1] is self._sess:
            _default_session_stack.pop()
        elif self._sess in _default_session_stack:
            _default_session_stack.remove(self._sess)
        if self._close:
            self._sess.close()
        return False


class Session(BaseSession):
    """A TF1 session: `with tf.Session() as sess: sess.run(fetches, feed_dict)`.

    Variables live in the session: two sessions on one graph hold independent values.

    Args:
      target: Accepted for compatibility (in-process execution only).
      graph: The graph to run (default: the default graph).
      config: A `tf.ConfigProto` (device_count, allow_soft_placement, log_device_placement).
    """


class InteractiveSession(BaseSession):
    """A session that installs itself as the default session on creation (for shells)."""

    def __init__(self, target: str = "", graph: Optional[Graph] = None, config: Any = None):
        super().__init__(target, graph, config)
        self._default_ctx = _DefaultSessionContext(self, close_on_exit=False)
        self._default_ctx.__enter__()

    def close(self) -> None:
        super().close()
        ctx, self._default_ctx = getattr(self, "_default_ctx", None), None
        if ctx is not None:
            ctx.__exit__(None, None, None)


