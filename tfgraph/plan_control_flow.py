"""The planner's control-flow pass: TF1's Switch/Merge/Enter/Exit/NextIteration/LoopCond
graphs turned into structured Python in the generated run function.

Used by `Session._compile` when a plan contains control-flow ops (built by `tf.cond` /
`tf.while_loop`, or imported from a TF1 GraphDef):

1. Order: a topological order ignoring the loops' back edges (NextIteration -> Merge).
2. Frames: every op gets the loop frame it runs in: an `Enter` moves into the frame named by
   its `frame_name` (nested in its input's frame), an `Exit` back out; other ops run in the
   innermost frame of their inputs (data and control).
3. Guards: every tensor gets the set of branch conditions under which it is computed, as
   literals `(pred, True/False)`: a cond `Switch` adds one to each output, a cond `Merge`
   keeps the literals all its inputs share (and picks the input whose own literals hold).
   These are TF1's dead-tensor rules, decided statically.
4. Code: ops with extra literals go in `if` blocks (adjacent ones share a block); a frame
   becomes, at the position of its last dependency::

       <loop-invariant ops: Enter bindings, pure ops of invariant inputs (hoisted)>
       m0 = <Enter value>; m1 = ...          # one local per loop variable (its Merge)
       while True:
           <ops depending on the Merges: the predicate>; p = bool(<LoopCond input>)
           if not p: break
           <body: ops depending on the Switches' true outputs>
           m0, m1 = <NextIteration inputs>
       <Exit outputs: bound to m0, m1>

   so an iteration costs the body's kernel calls plus one predicate test: no per-iteration
   planning, no dispatch.  Liveness is computed on the block tree: a value is deleted after
   the last statement of the innermost block that holds all its uses (`= None` where it may
   be unbound, e.g. defined in one branch).  Buffer forwarding applies where the input dies
   right after the line in the same block (never to a local a loop variable also holds).
"""
from __future__ import annotations

import heapq
import itertools
import linecache
import weakref
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from .backends import Backend, get_backend
from .framework import errors
from .framework.control_flow_types import (ENTER_TYPES, EXIT_TYPES, LOOP_COND_TYPES, MERGE_TYPES,
                                           NEXT_ITERATION_TYPES, SWITCH_TYPES)
from .framework.graph import Operation, Tensor
from .ops.control_flow_v1 import CONTROL_FLOW_TYPES as CF_PLANNED, canonical_pred
from .placement import is_host_input

_SWITCH = SWITCH_TYPES
_MERGE = MERGE_TYPES
_ENTER = ENTER_TYPES
_EXIT = EXIT_TYPES
_NEXT = NEXT_ITERATION_TYPES

Literal = Tuple[Tensor, bool]
Guard = FrozenSet[Literal]
_EMPTY: Guard = frozenset()


def _is_back_edge(consumer: Operation, t: Tensor) -> bool:
    return consumer.type in _MERGE and t._op.type in _NEXT


def order_ops(needed, fed) -> List[Operation]:
    """A topological order of `needed` (creation order among ties), loops' back edges ignored.

    Raises:
      tf.errors.InvalidArgumentError: If the graph has a cycle that is not a loop's back edge.
    """
    indeg: Dict[Operation, int] = {op: 0 for op in needed}
    outs: Dict[Operation, List[Operation]] = {op: [] for op in needed}
    for op in needed:
        refs = op._op_def.ref_inputs
        for i, t in enumerate(op._inputs):
            if t in fed or i in refs or _is_back_edge(op, t) or t._op not in indeg:
                continue
            outs[t._op].append(op)
            indeg[op] += 1
        for c in op._control_inputs:
            if c in indeg:
                outs[c].append(op)
                indeg[op] += 1
    heap = [(op._id, op) for op, n in indeg.items() if n == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, op = heapq.heappop(heap)
        order.append(op)
        for c in outs[op]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (c._id, c))
    if len(order) != len(needed):
        stuck = sorted((op for op, n in indeg.items() if n > 0), key=lambda o: o._id)
        raise errors.InvalidArgumentError(
            None, stuck[0], "Graph has a cycle (not through a while loop's NextIteration) "
                            "through: " + ", ".join(o.name for o in stuck[:10]))
    return order


class Frame:
    """One while-loop frame of a plan (the root frame has `name` None)."""

    def __init__(self, name: Optional[str], parent: Optional["Frame"]):
        self.name = name
        self.parent = parent
        self.depth = 0 if parent is None else parent.depth + 1
        self.ops: List[Operation] = []
        self.loop_cond: Optional[Operation] = None
        self.merges: List[Operation] = []
        self.enters: List[Operation] = []
        self.guard: Guard = _EMPTY
        self.min_id = 1 << 62

    def __repr__(self):
        return f"<Frame {self.name}>"

    def encloses(self, f: Optional["Frame"]) -> bool:
        while f is not None:
            if f is self:
                return True
            f = f.parent
        return False


class Structure:
    """Frames and guards of a plan's ops (see the module docstring)."""

    def __init__(self, order: Sequence[Operation], fed):
        self.root = Frame(None, None)
        self.frame_of: Dict[Operation, Frame] = {}
        self.op_guard: Dict[Operation, Guard] = {}
        self.out_guard: Dict[Tensor, Guard] = {}
        self.children: Dict[Frame, List[Frame]] = {self.root: []}
        self._frames: Dict[Tuple[Frame, str], Frame] = {}
        self.fed = fed
        for op in order:
            self._place(op)
        for op in order:
            self._guard(op)
        for f in self.children:
            if f is not self.root:
                g: Set[Literal] = set()
                for e in f.enters:
                    g |= self.op_guard[e]
                f.guard = frozenset(g)

    def out_frame(self, t: Tensor) -> Frame:
        f = self.frame_of.get(t._op, self.root)
        if t._op.type in _EXIT:
            return f.parent if f.parent is not None else f
        return f

    def _place(self, op: Operation) -> None:
        root = self.root
        if op.type in _ENTER:
            src = self.out_frame(op._inputs[0]) if op._inputs[0] not in self.fed else root
            name = op.attrs.get("frame_name", "")
            key = (src, name)
            f = self._frames.get(key)
            if f is None:
                f = Frame(name, src)
                self._frames[key] = f
                self.children[f] = []
                self.children[src].append(f)
            f.enters.append(op)
        else:
            f = root
            srcs = [t for t in op._inputs if not _is_back_edge(op, t)]
            frames = [self.out_frame(t) if t not in self.fed else root for t in srcs]
            frames += [self.frame_of.get(c, root) if c.type not in _EXIT else
                       self.out_frame(c._outputs[0]) for c in op._control_inputs
                       if c in self.frame_of]
            for g in frames:  # the innermost frame; the others must enclose it
                if g.depth > f.depth:
                    if not f.encloses(g):
                        _bad_frames(op, f, g)
                    f = g
                elif not g.encloses(f):
                    _bad_frames(op, f, g)
            if op.type in LOOP_COND_TYPES:
                if f is root:
                    raise errors.InvalidArgumentError(
                        None, op, f"LoopCond '{op.name}' is not inside a while loop frame")
                if f.loop_cond is not None and f.loop_cond is not op:
                    raise errors.InvalidArgumentError(
                        None, op, f"Loop frame '{f.name}' has two LoopCond ops: "
                                  f"'{f.loop_cond.name}' and '{op.name}'")
                f.loop_cond = op
            if op.type in _MERGE and any(t._op.type in _NEXT for t in op._inputs):
                f.merges.append(op)
        self.frame_of[op] = f
        f.ops.append(op)
        f.min_id = min(f.min_id, op._id)

    def is_loop_switch(self, op: Operation) -> bool:
        return op.type in _SWITCH and op._inputs[1]._op.type in LOOP_COND_TYPES

    def is_loop_merge(self, op: Operation) -> bool:
        return op.type in _MERGE and any(t._op.type in _NEXT for t in op._inputs)

    def _in_guard(self, t: Tensor) -> Guard:
        return self.out_guard.get(t, _EMPTY)

    def _guard(self, op: Operation) -> None:
        if self.is_loop_merge(op):
            g = frozenset().union(*(self._in_guard(t) for t in op._inputs
                                    if t._op.type not in _NEXT))
        elif op.type in _MERGE:
            gs = [self._in_guard(t) for t in op._inputs]
            g = frozenset.intersection(*gs) if gs else _EMPTY
        else:
            parts = [self._in_guard(t) for t in op._inputs]
            parts += [self.op_guard.get(c, _EMPTY) for c in op._control_inputs]
            g = frozenset().union(*parts) if parts else _EMPTY
        self.op_guard[op] = g
        if op.type in _SWITCH and not self.is_loop_switch(op):
            key = canonical_pred(op._inputs[1])
            self.out_guard[op._outputs[0]] = g | {(key, False)}
            self.out_guard[op._outputs[1]] = g | {(key, True)}
        else:
            for t in op._outputs:
                self.out_guard[t] = g


def _bad_frames(op: Operation, a: Frame, b: Frame) -> None:
    raise errors.InvalidArgumentError(
        None, op, f"Op '{op.name}' has inputs from two different while loops ('{a.name}' and "
                  f"'{b.name}'): a loop's values leave it only through its Exit ops")


def _dead_fetch(t: Tensor):
    def dead():
        raise errors.InvalidArgumentError(
            None, t.op, f"Retval does not have value: fetched tensor '{t.name}' was not "
                        f"computed (it is in a branch of a cond that did not run)")
    return dead


class _Block:
    """A compound statement of the generated code: `header` and its body lines."""

    __slots__ = ("header", "uses", "body", "info", "lits", "comment")

    def __init__(self, header: str, uses: Sequence[str], info: Any, lits: Any = None,
                 comment: Optional[str] = None):
        self.header = header
        self.comment = comment
        self.uses = list(uses)
        self.body: list = []
        self.info = info
        self.lits = lits  # the guard literals of an `if` block (adjacent equal ones merge)


def make_codegen_class(base, plan_cls, codegen_counter):
    """The control-flow code generator: a subclass of the session's `_CodeGen` (`base`),
    making `plan_cls` plans named with `codegen_counter`."""

    class ControlFlowCodeGen(base):
        def build(self):
            self.cf = Structure(self.order, self.fed)
            self.pred_vars: Dict[Tensor, str] = {}
            self.pred_rank: Dict[Tensor, int] = {}
            self.cur_lits: Guard = _EMPTY
            self.pred_known: Set[Tensor] = set()  # preds whose local is set in this block
            self.loop_pred: Dict[Frame, str] = {}
            self.loop_depth = 0
            args = self.emit_feeds()
            self.root_body = self.lines
            self._emit_units(self.cf.root)
            self._guard_fetches()
            self.emit_fetches()
            return self._assemble_structured(args)

        def _guard_fetches(self) -> None:
            """A fetched value computed under branch literals: TF1's error when it is dead."""
            for e in self.flat:
                if not isinstance(e, Tensor) or e in self.fed:
                    continue
                frame = self.cf.out_frame(e)
                if frame is not self.cf.root:
                    raise ValueError(f"Operation '{e.op.name}' has been marked as not fetchable: "
                                     f"it runs inside while loop frame '{frame.name}' (fetch "
                                     f"the loop's outputs instead)")
                lits = self.cf.out_guard.get(e, _EMPTY)
                if not lits:
                    continue
                be = self.home[e]
                var = self.var_of[(e, be.name)]
                expr, uses = self._lits_expr(lits)
                dead = self.const(_dead_fetch(e), "dead")
                v = self.new_var()
                self._alias(var)
                self.emit(f"{v} = {var} if {expr} else {dead}()", uses + [var], [v],
                          ("as_is", None))
                self.var_of[(e, be.name)] = v

        def _maybe_inplace(self, op, be, in_vars, out_var):
            """Buffer forwarding as in straight-line plans, keyed by (block, line): used
            when the input dies right after that line in the same block (`_render`)."""
            saved, self.inplace = self.inplace, {}
            try:
                super()._maybe_inplace(op, be, in_vars, out_var)
            finally:
                for i, alt in self.inplace.items():
                    saved[(id(self.lines), i)] = alt
                self.inplace = saved

        def _alias(self, *vars_: str) -> None:
            """Locals now also held under another name (a loop variable, a cond's result):
            no longer buffers an op may overwrite."""
            self.fresh.difference_update(vars_)

        # --- units: ops of one frame, and its child frames as single nodes -----------------
        def _unit_of(self, op: Operation, frame: Frame):
            f = self.cf.frame_of.get(op)
            if f is None or not frame.encloses(f):
                return None
            if f is frame:
                return op
            while f.parent is not frame:
                f = f.parent
            return f

        def _units(self, frame: Frame) -> Tuple[list, Dict[Any, set]]:
            st = self.cf
            units: list = list(frame.ops) + list(st.children[frame])
            deps: Dict[Any, set] = {u: set() for u in units}
            members = {frame: list(frame.ops)}

            def all_ops(f):
                out = list(f.ops)
                for c in st.children[f]:
                    out.extend(all_ops(c))
                return out
            for c in st.children[frame]:
                members[c] = all_ops(c)
            for u, ops in members.items():
                for op in ops:
                    owner = op if u is frame else u
                    srcs = [t._op for t in op._inputs if t not in self.fed and
                            not (owner is op and _is_back_edge(op, t))]
                    srcs += op._control_inputs
                    for s in srcs:
                        if s not in self.plan_ops:
                            continue
                        d = self._unit_of(s, frame)
                        if d is not None and d is not owner:
                            deps[owner].add(d)
            # order units topologically (creation order among ties)
            key = {u: (u._id if isinstance(u, Operation) else u.min_id) for u in units}
            indeg = {u: 0 for u in units}
            outs: Dict[Any, list] = {u: [] for u in units}
            for u, ds in deps.items():
                for d in ds:
                    outs[d].append(u)
                    indeg[u] += 1
            heap = [(key[u], i, u) for i, u in enumerate(units) if indeg[u] == 0]
            heapq.heapify(heap)
            counter = itertools.count(len(units))
            ordered = []
            while heap:
                _, _, u = heapq.heappop(heap)
                ordered.append(u)
                for c in outs[u]:
                    indeg[c] -= 1
                    if indeg[c] == 0:
                        heapq.heappush(heap, (key[c], next(counter), c))
            if len(ordered) != len(units):
                raise errors.InvalidArgumentError(
                    None, None, f"Cannot order the ops of loop frame '{frame.name}' (a cycle)")
            return ordered, deps

        def _emit_units(self, frame: Frame) -> None:
            units, _ = self._units(frame)
            for u in units:
                self._emit_unit(u)

        def _emit_unit(self, u) -> None:
            if isinstance(u, Frame):
                self._guarded(u.guard, lambda: self._emit_loop(u))
            else:
                self._guarded(self.cf.op_guard[u], lambda: self._emit_cf_op(u))

        # --- guards -----------------------------------------------------------------------
        def _lits_expr(self, lits) -> Tuple[str, List[str]]:
            ordered = sorted(lits, key=lambda l: self.pred_rank[l[0]])
            parts, uses = [], []
            for key, val in ordered:
                v = self.pred_vars[key]
                uses.append(v)
                parts.append(v if val else f"not {v}")
            return " and ".join(parts), uses

        def _guarded(self, guard: Guard, fn) -> None:
            extra = guard - self.cur_lits
            if not extra:
                fn()
                return
            lines = self.lines
            last = lines[-1] if lines else None
            if isinstance(last, _Block) and last.lits == extra:
                block = last
            else:
                expr, uses = self._lits_expr(extra)
                block = _Block(f"if {expr}:", uses, ("as_is", None), lits=extra,
                               comment="cond branch: " + ", ".join(
                                   f"{k.name} is {v}" for k, v in sorted(
                                       extra, key=lambda l: self.pred_rank[l[0]])))
                lines.append(block)
            self._in_block(block, guard | self.cur_lits, fn)

        def _in_block(self, block: _Block, lits: Guard, fn) -> None:
            saved_lines, saved_lits, saved_known = self.lines, self.cur_lits, self.pred_known
            before = set(self.var_of)
            self.lines, self.cur_lits, self.pred_known = block.body, lits, set(saved_known)
            try:
                fn()
            finally:
                self.lines, self.cur_lits, self.pred_known = saved_lines, saved_lits, saved_known
            # Conversions made inside the block are not visible after it.
            for k in set(self.var_of) - before:
                t, where = k
                home = self.home.get(t)
                if home is None or where != home.name:
                    del self.var_of[k]

        # --- ops ----------------------------------------------------------------------------
        def _bind(self, out: Tensor, src: Tensor) -> None:
            if out in self.fed:
                return
            be = self.home[src]
            self.var_of[(out, be.name)] = self.var_of[(src, be.name)]
            self.home[out] = be

        def _pred_var(self, key: Tensor) -> str:
            v = self.pred_vars.get(key)
            if v is None:
                v = self.new_var()
                self.pred_vars[key] = v
                self.pred_rank[key] = len(self.pred_rank)
            return v

        def _emit_cf_op(self, op: Operation) -> None:
            st = self.cf
            typ = op.type
            host = get_backend("numpy")
            if typ in _ENTER:
                self._emit_enter(op)
            elif typ in _EXIT:
                self._bind(op._outputs[0], op._inputs[0])
            elif typ in _NEXT:
                pass  # the loop assigns its Merge's local at the end of the body
            elif typ in _SWITCH:
                if not st.is_loop_switch(op):
                    key = canonical_pred(op._inputs[1])
                    pv = self._pred_var(key)
                    if key not in self.pred_known:  # not yet tested in this block
                        src = self.value_on(op._inputs[1], host)
                        self.emit(f"{pv} = bool({src})", [src], [pv], ("op", op))
                        self.pred_known.add(key)
                for out in op._outputs:
                    self._bind(out, op._inputs[0])
            elif typ in _MERGE:
                if st.is_loop_merge(op):
                    return  # emitted by _emit_loop
                self._emit_cond_merge(op)
            elif typ in LOOP_COND_TYPES:
                src = self.value_on(op._inputs[0], host)
                pv = self.new_var()
                self.emit(f"{pv} = bool({src})", [src], [pv], ("op", op))
                self.loop_pred[st.frame_of[op]] = pv
                if op._outputs[0] not in self.fed:
                    self.var_of[(op._outputs[0], host.name)] = src
                    self.home[op._outputs[0]] = host
            elif (self.loop_depth or self.cur_lits) and \
                    any(t._op.type == "VariableV2" for t in op._inputs):
                self._emit_with_fresh_reads(op)
            else:
                self.emit_op(op)

        def fresh_reads_here(self) -> bool:
            # Inside a branch or loop body a re-read would bind a local that does not exist
            # after it; `_emit_with_fresh_reads` reads there instead.
            return not (self.loop_depth or self.cur_lits)

        def _emit_with_fresh_reads(self, op: Operation) -> None:
            """Inside a loop or a cond branch a variable is read where it is used (each
            iteration): an assignment earlier in the body or branch is seen, as TF1's reads
            through RefEnter/RefSwitch see it."""
            saved = {}
            refs = op._op_def.ref_inputs
            for i, t in enumerate(op._inputs):
                if i in refs or t._op.type != "VariableV2" or t in saved:
                    continue
                be = self.backends[t._op]
                kern = self.const(t._op._op_def.kernel(be, t._op, self.sess), "k")
                v = self.new_var()
                self.emit(f"{v} = {kern}()", [], [v], ("op", t._op))
                saved[t] = (dict((k, val) for k, val in self.var_of.items() if k[0] is t),
                            self.home.get(t))
                for k in saved[t][0]:
                    del self.var_of[k]
                self.var_of[(t, be.name)] = v
                self.home[t] = be
            self.emit_op(op)
            for t, (entries, home) in saved.items():
                for k in [k for k in self.var_of if k[0] is t]:
                    del self.var_of[k]
                self.var_of.update(entries)
                self.home[t] = home

        def _emit_enter(self, op: Operation) -> None:
            """An Enter binds its input, on the device the planner chose for it (host memory for
            metadata: a loop counter); a loop invariant is also moved, before the loop, to
            every device its consumers in the loop read it on."""
            out = op._outputs[0]
            if out in self.fed:
                return
            src = op._inputs[0]
            be = self._loop_value_home(op, src)
            var = self.value_on(src, be)
            self.var_of[(out, be.name)] = var
            self.home[out] = be
            if not op.attrs.get("is_constant"):
                return
            host = get_backend("numpy")
            for c in out._consumers:
                if c not in self.plan_ops or c.type in CF_PLANNED:
                    continue
                for i, t in enumerate(c._inputs):
                    if t is out and i not in c._op_def.ref_inputs:
                        self.value_on(out, host if is_host_input(c, i) else self.backends[c])

        def _loop_value_home(self, op: Operation, src: Tensor) -> Backend:
            """Where an Enter/Merge keeps its value: the planner's choice (host memory for
            metadata such as a loop counter), but handles and strings never leave the host."""
            if src.dtype.np_dtype.kind == "O":
                return self.home[src]
            return self.backends[op]

        def _convert_expr(self, var: str, src: Backend, dst: Backend) -> str:
            if src.name == dst.name:
                return var
            if src.is_host:
                return f"{self.const(dst.from_host, 'up')}({var})"
            if dst.is_host:
                return f"{self.const(src.to_host, 'down')}({var})"
            return f"{self.const(dst.from_host, 'up')}({self.const(src.to_host, 'down')}({var}))"

        def _emit_cond_merge(self, op: Operation) -> None:
            st = self.cf
            ins = list(op._inputs)
            gs = [st.out_guard.get(t, _EMPTY) for t in ins]
            common = frozenset.intersection(*gs)
            homes = {self.home[t].name for t in ins}
            target = self.home[ins[0]] if len(homes) == 1 else self.backends[op]
            # Inputs live under their own literals; pick the one whose literals hold.
            cands = sorted(range(len(ins)), key=lambda i: -len(gs[i] - common))
            expr, uses = None, []
            idx_expr = None
            for i in reversed(cands):
                var = self.var_of[(ins[i], self.home[ins[i]].name)]
                uses.append(var)
                val = self._convert_expr(var, self.home[ins[i]], target)
                extra = gs[i] - common
                if expr is None or not extra:
                    expr, idx_expr = val, str(i)
                    continue
                cond, cu = self._lits_expr(extra)
                uses.extend(cu)
                expr = f"{val} if {cond} else {expr}"
                idx_expr = f"{i} if {cond} else {idx_expr}"
            out = op._outputs[0]
            in_vars = [self.var_of[(t, self.home[t].name)] for t in ins]
            # The result is a buffer later ops may overwrite (a Relu after a batch norm under
            # `tf.cond`) when every input is one that only this Merge reads, on its device.
            fresh = all(var in self.fresh and self.home[t] is target and
                        all(b not in self.flat and all(c is op or c not in self.plan_ops
                                                       for c in b._consumers)
                            for b in self.bound.get(var, (t,)))
                        for t, var in zip(ins, in_vars))
            self._alias(*uses)
            if out not in self.fed:
                v = self.new_var()
                self.emit(f"{v} = {expr}", uses, [v], ("op", op))
                self.var_of[(out, target.name)] = v
                self.home[out] = target
                if fresh:
                    self.fresh.add(v)
            vi = op._outputs[1]
            if vi not in self.fed and (vi in self.flat or
                                       any(c in self.plan_ops for c in vi._consumers)):
                v = self.new_var()
                host = get_backend("numpy")
                self.emit(f"{v} = _np.int32({idx_expr})", uses, [v], ("op", op))
                self.var_of[(vi, host.name)] = v
                self.home[vi] = host

        # --- loops --------------------------------------------------------------------------
        def _emit_loop(self, frame: Frame) -> None:
            st = self.cf
            if frame.loop_cond is None:
                raise errors.InvalidArgumentError(
                    None, frame.enters[0] if frame.enters else None,
                    f"While loop frame '{frame.name}' has no LoopCond op in this plan")
            units, deps = self._units(frame)
            merges = set(frame.merges)
            switches = {op for op in frame.ops if st.is_loop_switch(op)}
            # Classify: "merge" (a loop variable), "head" (runs every iteration before the
            # predicate test), "body" (after it: fed by a Switch's true output), "exit",
            # "inv" (loop-invariant: hoisted before the loop).
            kind: Dict[Any, str] = {}
            for u in units:
                ds = deps[u]
                if isinstance(u, Operation) and u.type in _EXIT:
                    kind[u] = "exit"
                elif isinstance(u, Operation) and u in merges:
                    kind[u] = "merge"
                elif isinstance(u, Operation) and u in switches:
                    kind[u] = "head"
                elif isinstance(u, Operation) and not u._inputs and not u._op_def.stateful \
                        and st.op_guard[u] <= frame.guard:
                    kind[u] = "inv"  # a constant (its control input is the body's pivot)
                elif any(kind.get(d) == "body" or d in switches for d in ds):
                    kind[u] = "body"
                elif any(kind.get(d) in ("head", "merge") for d in ds):
                    kind[u] = "head"
                elif isinstance(u, Operation) and not u._inputs and not u._op_def.stateful \
                        and st.op_guard[u] <= frame.guard:
                    kind[u] = "inv"  # a constant (its control input is the body's pivot)
                elif isinstance(u, Frame) or u._op_def.stateful:
                    kind[u] = "body"  # runs once per iteration (an assign to a variable)
                else:
                    kind[u] = "inv"
            # Before the loop: invariant ops (Enter bindings, hoisted pure ops) ...
            for u in units:
                if kind[u] == "inv":
                    self._emit_unit(u)
            # ... and one local per loop variable, holding its Enter value.
            mvars = []
            for m in frame.merges:
                enter_t = next(t for t in m._inputs if t._op.type not in _NEXT)
                be = self._loop_value_home(m, enter_t)
                src = self.value_on(enter_t, be)
                v = self.new_var()
                out = m._outputs[0]
                if be.is_host and out.shape.ndims == 0 and out.dtype.np_dtype.kind in "iufb":
                    # A host scalar (a loop counter) is carried as a NumPy scalar: its
                    # arithmetic and comparisons cost a fraction of 0-d array ufunc calls.
                    self.emit(f"{v} = {src}[()]", [src], [v], ("op", m))
                else:
                    self.emit(f"{v} = {src}", [src], [v], ("op", m))
                self._alias(src)
                out = m._outputs[0]
                self.var_of[(out, be.name)] = v
                self.home[out] = be
                mvars.append((m, v, be))
                vi = m._outputs[1]
                if any(c in self.plan_ops for c in vi._consumers) or vi in self.flat:
                    iv = self.new_var()
                    self.emit(f"{iv} = _np.int32(0)", [], [iv], ("op", m))
                    self.var_of[(vi, "numpy")] = iv
                    self.home[vi] = get_backend("numpy")
                    mvars.append((None, iv, None))
            block = _Block("while True:", [], ("as_is", None),
                           comment=f"while loop frame '{frame.name}'")
            self.lines.append(block)
            self.loop_depth += 1

            def loop_body():
                for u in units:
                    if kind[u] == "head":
                        self._emit_unit(u)
                pv = self.loop_pred.get(frame)
                if pv is None:
                    raise errors.InvalidArgumentError(
                        None, frame.loop_cond, f"LoopCond '{frame.loop_cond.name}' could not be "
                                               "evaluated before its loop's body")
                self.emit(f"if not {pv}: break", [pv], [], ("op", frame.loop_cond))
                for u in units:
                    if kind[u] == "body":
                        self._emit_unit(u)
                lhs, rhs, uses = [], [], []
                for m, v, be in mvars:
                    if m is None:
                        lhs.append(v)
                        rhs.append("1")
                        continue
                    nxt = next(t for t in m._inputs if t._op.type in _NEXT)._op._inputs[0]
                    src = self.value_on(nxt, be)
                    lhs.append(v)
                    rhs.append(src)
                    uses.append(src)
                if lhs:
                    self._alias(*rhs)
                    self.emit(f"{', '.join(lhs)}, = {', '.join(rhs)},", uses + lhs, lhs,
                              ("op", frame.merges[0]))
            self._in_block(block, self.cur_lits, loop_body)
            self.loop_depth -= 1
            for u in units:
                if kind[u] == "exit":
                    self._emit_unit(u)

        # --- assembly -----------------------------------------------------------------------
        def _assemble_structured(self, args):
            occ: Dict[str, List[tuple]] = {}

            def collect(block: list, prefix: tuple) -> None:
                for i, item in enumerate(block):
                    p = prefix + ((id(block), i),)
                    if isinstance(item, _Block):
                        for v in item.uses:
                            occ.setdefault(v, []).append(p)
                        collect(item.body, p)
                    else:
                        for v in itertools.chain(item[1], item[2]):
                            occ.setdefault(v, []).append(p)
            root = self.root_body
            collect(root, ())
            kill: Dict[Tuple[int, int], List[Tuple[str, bool]]] = {}
            for v, paths in occ.items():
                if v.startswith("_"):
                    continue
                d = 0
                while all(len(p) > d + 1 for p in paths) and \
                        len({p[d][0] for p in paths}) == 1 and \
                        len({p[d] for p in paths}) == 1:
                    d += 1
                # paths share block at depth d; items there:
                idx = [p[d][1] for p in paths]
                blk = paths[0][d][0]
                first = min(idx)
                kill.setdefault((blk, max(idx)), []).append((v, first))
            src = [f"def _run({', '.join(args)}):"]
            line_info: Dict[int, Any] = {}

            def render(block: list, indent: str) -> None:
                if not block:
                    src.append(indent + "pass")
                    return
                for i, item in enumerate(block):
                    if isinstance(item, _Block):
                        if item.body:  # (a branch of bindings only has no code)
                            src.append(f"{indent}{item.header}  # {item.comment}"
                                       if item.comment else indent + item.header)
                            line_info[len(src)] = item.info
                            render(item.body, indent + "    ")
                    else:
                        code, uses, defines, info, comment = item
                        alt = self.inplace.get((id(block), i))
                        if alt is not None and any(v == alt[0] and first is not None and
                                                   not isinstance(block[first], _Block) and
                                                   v in block[first][2]
                                                   for v, first in kill.get((id(block), i), ())):
                            code = alt[1]  # the input dies here: its buffer takes the result
                            comment = (comment or "") + " (in place)"
                        src.append(f"{indent}{code}  # {comment}" if comment else indent + code)
                        line_info[len(src)] = info
                        if code.startswith("return"):
                            continue
                    dead = kill.get((id(block), i))
                    if dead:
                        sure, maybe = [], []
                        for v, first in sorted(dead):
                            it = block[first]
                            if not isinstance(it, _Block) and v in it[2]:
                                sure.append(v)
                            else:
                                maybe.append(v)
                        if sure:
                            src.append(indent + f"del {', '.join(sure)}")
                        if maybe:
                            src.append(indent + " = ".join(maybe) + " = None")
            render(root, "    ")
            text = "\n".join(src) + "\n"
            filename = f"<tfgraph-plan-{next(codegen_counter)}>"
            code = compile(text, filename, "exec")
            exec(code, self.ns)
            fn = self.ns.pop("_run")  # (as _CodeGen._assemble: no reference cycle)
            linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
            weakref.finalize(fn, linecache.cache.pop, filename, None)
            return plan_cls(fn, fn.__code__, line_info, self.feed_tensors, self.order, self.backends,
                         text)

    return ControlFlowCodeGen
