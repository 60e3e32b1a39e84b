"""Variable scopes and shared variables: `tf.variable_scope`, `tf.get_variable`, `tf.AUTO_REUSE`.

As in TF1, each graph holds two objects in private collections: a `_VariableStore` (every
variable made by `get_variable`, by full name) and a `_VariableScopeStore` (the current
`VariableScope` and how often each scope name was opened).  Variable names depend only on the
variable scope; `variable_scope` also opens a name scope for the ops built inside, which is
uniquified like any name scope (a second `variable_scope("foo")` gives ops "foo_1/..." while
its variables are still "foo/...").
"""
from __future__ import annotations

import copy
import enum
import functools
import inspect
import sys
import threading
from typing import Any, Callable, Dict, Optional, Sequence

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, name_scope
from ..framework.graph import get_default_graph
from ..framework.graph_keys import GraphKeys
from ..framework.tensor_shape import as_shape
from . import init_ops
from .variables import Variable

_VARSTORE_KEY = ("__variable_store",)
_VARSCOPESTORE_KEY = ("__varscope",)


class _ReuseMode(enum.Enum):
    """The reuse modes besides True / None: `tf.AUTO_REUSE` (create if missing, else reuse)."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableSynchronization(enum.Enum):
    """When a distributed variable is aggregated (accepted for compatibility)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's updates are aggregated (accepted for compatibility)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


def no_regularizer(_: Any) -> None:
    """A regularizer that adds nothing (use it to turn off a scope's regularizer)."""
    return None


# --- the variable store -----------------------------------------------------------------------
class _VariableStore:
    """The variables created by `get_variable` in one graph, by full name."""

    def __init__(self):
        self._vars: Dict[str, Variable] = {}

    def get_variable(self, name: str, shape: Any = None, dtype: Any = dtypes.float32,
                     initializer: Any = None, regularizer: Optional[Callable] = None,
                     reuse: Any = None, trainable: Optional[bool] = None,
                     collections: Optional[Sequence[str]] = None, caching_device: Any = None,
                     partitioner: Optional[Callable] = None, validate_shape: bool = True,
                     use_resource: Any = None, custom_getter: Optional[Callable] = None,
                     constraint: Optional[Callable] = None, synchronization: Any = None,
                     aggregation: Any = None) -> Variable:
        """Gets an existing variable `name` or creates it (see `tf.get_variable`)."""
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype).base_dtype

        def true_getter(name, shape=None, dtype=dtypes.float32, initializer=None,
                        regularizer=None, reuse=None, trainable=None, collections=None,
                        caching_device=None, partitioner=None, validate_shape=True,
                        use_resource=None, constraint=None, synchronization=None,
                        aggregation=None):
            is_scalar = isinstance(shape, (list, tuple)) and not shape
            if partitioner is not None and not is_scalar:
                raise NotImplementedError(
                    f"Partitioned variables are not supported (variable {name}).")
            return self._get_single_variable(
                name, shape=shape, dtype=dtype, initializer=initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, caching_device=caching_device,
                validate_shape=validate_shape, constraint=constraint)

        if custom_getter is not None:
            kwargs = {"getter": true_getter, "name": name, "shape": shape, "dtype": dtype,
                      "initializer": initializer, "regularizer": regularizer, "reuse": reuse,
                      "trainable": trainable, "collections": collections,
                      "caching_device": caching_device, "partitioner": partitioner,
                      "validate_shape": validate_shape, "use_resource": use_resource,
                      "synchronization": synchronization, "aggregation": aggregation}
            # Older custom getters predate `constraint`: pass it only where it is accepted.
            if _accepts_kwarg(custom_getter, "constraint"):
                kwargs["constraint"] = constraint
            return custom_getter(**kwargs)
        return true_getter(name, shape=shape, dtype=dtype, initializer=initializer,
                           regularizer=regularizer, reuse=reuse, trainable=trainable,
                           collections=collections, caching_device=caching_device,
                           partitioner=partitioner, validate_shape=validate_shape,
                           use_resource=use_resource, constraint=constraint,
                           synchronization=synchronization, aggregation=aggregation)

    def _get_single_variable(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                             regularizer=None, partition_info=None, reuse=None, trainable=None,
                             collections=None, caching_device=None, validate_shape=True,
                             constraint=None) -> Variable:
        initializing_from_value = initializer is not None and not callable(initializer)
        if shape is not None and initializing_from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        shape = as_shape(shape)

        if name in self._vars:
            if reuse is False:
                raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to "
                                 "set reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
            found = self._vars[name]
            if not shape.is_compatible_with(found.get_shape()):
                raise ValueError(f"Trying to share variable {name}, but specified shape {shape} "
                                 f"and found shape {found.get_shape()}.")
            if not dtype.is_compatible_with(found.dtype.base_dtype):
                raise ValueError(f"Trying to share variable {name}, but specified dtype "
                                 f"{dtype.name} and found dtype {found.dtype.name}_ref.")
            return found

        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?")

        if initializer is None:
            initializer, initializing_from_value = _default_initializer(name, dtype)
        if initializing_from_value:
            init_val = initializer
            variable_dtype = None
        else:
            if inspect.isclass(initializer):
                initializer = initializer()
            if shape.is_fully_defined():
                # Initializers written for TF2/Keras take no `partition_info`.
                kwargs = {"dtype": dtype}
                if _accepts_kwarg(initializer, "partition_info"):
                    kwargs["partition_info"] = partition_info
                init_val = functools.partial(initializer, shape.as_list(), **kwargs)
                variable_dtype = dtype.base_dtype
            elif _callable_without_args(initializer):
                init_val = initializer
                variable_dtype = None
            else:
                raise ValueError("The initializer passed is not valid. It should be a callable "
                                 "with no arguments and the shape should not be provided or an "
                                 "instance of `tf.keras.initializers.*' and `shape` should be "
                                 "fully defined.")

        v = Variable(initial_value=init_val, name=name, trainable=trainable,
                     collections=collections, caching_device=caching_device,
                     dtype=variable_dtype, validate_shape=validate_shape, constraint=constraint)
        self._vars[name] = v

        if regularizer:
            graph = v.graph
            with graph.colocate_with(v.op), name_scope(name + "/Regularizer/"), \
                    graph.control_dependencies(None):
                loss = regularizer(v)
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _default_initializer(name: str, dtype: dtypes.DType):
    """Glorot uniform for floats, zeros for ints / bools / strings (TF1's defaults)."""
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer(), False
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype == dtypes.string:
        return init_ops.zeros_initializer(), False
    raise ValueError(f"An initializer for variable {name} of {dtype.base_dtype} is required")


def _callable_without_args(fn: Callable) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params)


def _accepts_kwarg(fn: Callable, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in params)


# --- variable scopes --------------------------------------------------------------------------
class VariableScope:
    """The defaults `get_variable` uses inside a `variable_scope` (name prefix, reuse, ...).

    Args:
      reuse: True, `tf.AUTO_REUSE`, False or None.
      name: The scope's name ("" for the root scope); variables are named "name/var".
      initializer, regularizer, caching_device, partitioner, custom_getter, dtype,
        use_resource, constraint: Defaults for `get_variable` in this scope.
      name_scope: The name scope opened with the variable scope ("foo_1/").
    """

    def __init__(self, reuse: Any, name: str = "", initializer: Any = None,
                 regularizer: Optional[Callable] = None, caching_device: Any = None,
                 partitioner: Optional[Callable] = None, custom_getter: Optional[Callable] = None,
                 name_scope: str = "", dtype: Any = dtypes.float32, use_resource: Any = None,
                 constraint: Optional[Callable] = None):
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    @property
    def name(self) -> str:
        return self._name

    @property
    def original_name_scope(self) -> str:
        return self._name_scope

    @property
    def reuse(self) -> Any:
        return self._reuse

    @property
    def initializer(self) -> Any:
        return self._initializer

    @property
    def dtype(self) -> Any:
        return self._dtype

    @property
    def use_resource(self) -> Any:
        return self._use_resource

    @property
    def regularizer(self) -> Optional[Callable]:
        return self._regularizer

    @property
    def caching_device(self) -> Any:
        return self._caching_device

    @property
    def partitioner(self) -> Optional[Callable]:
        return self._partitioner

    @property
    def custom_getter(self) -> Optional[Callable]:
        return self._custom_getter

    @property
    def constraint(self) -> Optional[Callable]:
        return self._constraint

    def reuse_variables(self) -> None:
        """From now on `get_variable` in this scope returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self._initializer = initializer

    def set_dtype(self, dtype: Any) -> None:
        self._dtype = dtype

    def set_use_resource(self, use_resource: Any) -> None:
        self._use_resource = use_resource

    def set_regularizer(self, regularizer: Optional[Callable]) -> None:
        self._regularizer = regularizer

    def set_caching_device(self, caching_device: Any) -> None:
        self._caching_device = caching_device

    def set_partitioner(self, partitioner: Optional[Callable]) -> None:
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter: Optional[Callable]) -> None:
        self._custom_getter = custom_getter

    def get_collection(self, name: str) -> list:
        """The items of collection `name` whose names start with this scope's name."""
        scope = self._name + "/" if self._name else ""
        return get_default_graph().get_collection(name, scope)

    def trainable_variables(self) -> list:
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self) -> list:
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self) -> list:
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store: _VariableStore, name: str, shape: Any = None,
                     dtype: Any = None, initializer: Any = None,
                     regularizer: Optional[Callable] = None, reuse: Any = None,
                     trainable: Optional[bool] = None, collections: Optional[Sequence[str]] = None,
                     caching_device: Any = None, partitioner: Optional[Callable] = None,
                     validate_shape: bool = True, use_resource: Any = None,
                     custom_getter: Optional[Callable] = None,
                     constraint: Optional[Callable] = None, synchronization: Any = None,
                     aggregation: Any = None) -> Variable:
        """Gets or creates `name` in this scope, filling unset arguments from the scope."""
        if regularizer is None:
            regularizer = self._regularizer
        if caching_device is None:
            caching_device = self._caching_device
        if partitioner is None:
            partitioner = self._partitioner
        if custom_getter is None:
            custom_getter = self._custom_getter
        if reuse is None:
            reuse = self._reuse
        if use_resource is None:
            use_resource = self._use_resource
        full_name = self.name + "/" + name if self.name else name
        # Variable names depend on the variable scope only: leave the name scope meanwhile.
        with name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = convert_to_tensor(initializer).dtype.base_dtype
                if init_dtype != dtype:
                    raise ValueError(f"Initializer type '{init_dtype}' and explicit dtype "
                                     f"'{dtypes.as_dtype(dtype)}' don't match.")
            if initializer is None:
                initializer = self._initializer
            if constraint is None:
                constraint = self._constraint
            if dtype is None:
                dtype = self._dtype
            return var_store.get_variable(
                full_name, shape=shape, dtype=dtype, initializer=initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, caching_device=caching_device, partitioner=partitioner,
                validate_shape=validate_shape, use_resource=use_resource,
                custom_getter=custom_getter, constraint=constraint,
                synchronization=synchronization, aggregation=aggregation)

    def __repr__(self) -> str:
        return f"<tf.VariableScope '{self._name}' reuse={self._reuse}>"


class _VariableScopeStore(threading.local):
    """The current variable scope (per thread) and how often each scope name was opened."""

    def __init__(self):
        super().__init__()
        self.current_scope = VariableScope(False)
        self.variable_scopes_count: Dict[str, int] = {}

    def open_variable_scope(self, scope_name: str) -> None:
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name: Optional[str]) -> None:
        for k in list(self.variable_scopes_count):
            if scope_name is None or k.startswith(scope_name + "/"):
                self.variable_scopes_count[k] = 0

    def variable_scope_count(self, scope_name: str) -> int:
        return self.variable_scopes_count.get(scope_name, 0)


def _get_from_collection(key: tuple, factory: Callable):
    graph = get_default_graph()
    coll = graph.get_collection_ref(key)
    if not coll:
        coll.append(factory())
    return coll[0]


def get_variable_scope_store() -> _VariableScopeStore:
    """The default graph's variable scope store (created on first use)."""
    return _get_from_collection(_VARSCOPESTORE_KEY, _VariableScopeStore)


def _get_default_variable_store() -> _VariableStore:
    return _get_from_collection(_VARSTORE_KEY, _VariableStore)


def get_variable_scope() -> VariableScope:
    """The current `VariableScope` of the default graph (`tf.get_variable_scope`)."""
    return get_variable_scope_store().current_scope


def _get_unique_variable_scope(prefix: str) -> str:
    """`prefix`, or `prefix_N`, unused so far as a variable scope in the current scope."""
    store = get_variable_scope_store()
    current = store.current_scope
    name = current.name + "/" + prefix if current.name else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while store.variable_scope_count(f"{name}_{idx}") > 0:
        idx += 1
    return f"{prefix}_{idx}"


def _maybe_wrap_custom_getter(custom_getter: Callable, old_getter: Optional[Callable]) -> Callable:
    """Chains a scope's custom getter in front of the enclosing scope's."""
    if old_getter is None:
        return custom_getter

    def wrapped_custom_getter(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)
    return wrapped_custom_getter


class _pure_variable_scope:  # noqa: N801  (TF1 name)
    """Switches the current variable scope without touching the name scope."""

    def __init__(self, name_or_scope, reuse=None, initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None,
                 old_name_scope=None, dtype=dtypes.float32, use_resource=None, constraint=None):
        self._name_or_scope = name_or_scope
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._old_name_scope = old_name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        self._var_scope_store = get_variable_scope_store()
        self._last_variable_scope_object = None
        if isinstance(name_or_scope, VariableScope):
            self._new_name = name_or_scope.name
            # Jumping to a shared scope: a copy of it, with the overrides asked for here.
            s = name_or_scope
            obj = VariableScope(
                s.reuse if not reuse else reuse, name=self._new_name,
                initializer=s.initializer, regularizer=s.regularizer,
                caching_device=s.caching_device, partitioner=s.partitioner, dtype=s.dtype,
                custom_getter=s.custom_getter, name_scope=s.original_name_scope,
                use_resource=s.use_resource, constraint=constraint)
            self._apply_overrides(obj, s.custom_getter)
            self._cached_variable_scope_object = obj

    def _apply_overrides(self, obj: VariableScope, old_getter: Optional[Callable]) -> None:
        if self._initializer is not None:
            obj.set_initializer(self._initializer)
        if self._regularizer is not None:
            obj.set_regularizer(self._regularizer)
        if self._caching_device is not None:
            obj.set_caching_device(self._caching_device)
        if self._partitioner is not None:
            obj.set_partitioner(self._partitioner)
        if self._custom_getter is not None:
            obj.set_custom_getter(_maybe_wrap_custom_getter(self._custom_getter, old_getter))
        if self._dtype is not None:
            obj.set_dtype(self._dtype)
        if self._use_resource is not None:
            obj.set_use_resource(self._use_resource)

    def __enter__(self) -> VariableScope:
        store = self._var_scope_store
        self._old = store.current_scope
        if isinstance(self._name_or_scope, VariableScope):
            store.open_variable_scope(self._new_name)
            self._old_subscopes = copy.copy(store.variable_scopes_count)
            obj = self._cached_variable_scope_object
        else:
            # Prolonging the current scope: the name is extended, reuse is inherited.
            old = self._old
            self._new_name = (old.name + "/" + self._name_or_scope if old.name
                              else self._name_or_scope)
            self._reuse = self._reuse or old.reuse
            ns = self._name_or_scope if self._old_name_scope is None else self._old_name_scope
            obj = VariableScope(
                self._reuse, name=self._new_name, initializer=old.initializer,
                regularizer=old.regularizer, caching_device=old.caching_device,
                partitioner=old.partitioner, dtype=old.dtype, use_resource=old.use_resource,
                custom_getter=old.custom_getter, name_scope=ns, constraint=self._constraint)
            self._apply_overrides(obj, old.custom_getter)
            store.open_variable_scope(self._new_name)
        store.current_scope = obj
        self._last_variable_scope_object = obj
        return obj

    def __exit__(self, *exc) -> None:
        store = self._var_scope_store
        if store.current_scope is not self._last_variable_scope_object:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self._name_or_scope, VariableScope):
            # Leaving a jumped-to scope restores the counts it found.
            store.variable_scopes_count = self._old_subscopes
        else:
            store.close_variable_subscopes(self._new_name)
        store.current_scope = self._old


class variable_scope:  # noqa: N801  (TF1 spells it tf.variable_scope)
    """A context manager defining the scope of `get_variable` (`tf.variable_scope`).

    `with tf.variable_scope("foo"):` makes `get_variable("w")` name its variable "foo/w" and
    opens name scope "foo" (uniquified: "foo_1" the second time) for the ops built inside.
    Passing a `VariableScope` object re-enters that scope (same variable names).

    Args:
      name_or_scope: A string or `VariableScope`, or None to use `default_name`.
      default_name: Name used when `name_or_scope` is None, made unique ("dense_1").
      values: Tensors whose graph becomes the default inside.
      initializer, regularizer, caching_device, partitioner, custom_getter, dtype,
        use_resource, constraint: Defaults for `get_variable` in the scope (inherited by
        sub-scopes).
      reuse: True or `tf.AUTO_REUSE` to share variables; None (or False) inherits the
        enclosing scope's setting.
      auxiliary_name_scope: If False, no name scope is opened.

    Raises:
      TypeError: If neither `name_or_scope` nor `default_name` is given, or of a wrong type.
      ValueError: For `reuse=True` without `name_or_scope`, or another bad `reuse`.
    """

    def __init__(self, name_or_scope: Any, default_name: Optional[str] = None,
                 values: Optional[Sequence[Any]] = None, initializer: Any = None,
                 regularizer: Optional[Callable] = None, caching_device: Any = None,
                 partitioner: Optional[Callable] = None, custom_getter: Optional[Callable] = None,
                 reuse: Any = None, dtype: Any = None, use_resource: Any = None,
                 constraint: Optional[Callable] = None, auxiliary_name_scope: bool = True):
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = [] if values is None else values
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._reuse = reuse
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if self._reuse is False:
            self._reuse = None  # False means "inherit", as None
        if not (self._reuse is True or self._reuse is None or self._reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get "
                            f"{auxiliary_name_scope}")
        self._auxiliary_name_scope = auxiliary_name_scope
        self._graph = graph_of(self._values)
        self._cached_pure_variable_scope: Optional[_pure_variable_scope] = None
        self._current_name_scope: Optional[name_scope] = None
        self._graph_context_manager = None

    def _pure(self, name_or_scope, old_name_scope=None, **extra) -> _pure_variable_scope:
        return _pure_variable_scope(
            name_or_scope, reuse=self._reuse, initializer=self._initializer,
            regularizer=self._regularizer, caching_device=self._caching_device,
            partitioner=self._partitioner, custom_getter=self._custom_getter,
            old_name_scope=old_name_scope, dtype=self._dtype, use_resource=self._use_resource,
            constraint=self._constraint, **extra)

    def __enter__(self) -> VariableScope:
        self._graph_context_manager = self._graph.as_default()
        self._graph_context_manager.__enter__()
        if self._cached_pure_variable_scope is not None:
            # Re-entering this very object: reuse the scopes decided the first time.
            if self._current_name_scope is not None:
                self._current_name_scope.__enter__()
            return self._cached_pure_variable_scope.__enter__()
        try:
            return self._enter_scope_uncached()
        except BaseException:
            self._graph_context_manager.__exit__(*sys.exc_info())
            raise

    def _enter_scope_uncached(self) -> VariableScope:
        if self._auxiliary_name_scope:
            current_name_scope = None  # opened below
        else:
            # Re-enter the current name scope exactly ("a/b/"), or stay at the top level.
            ns = self._graph.get_name_scope()
            current_name_scope = name_scope(ns + "/" if ns else ns)

        if self._name_or_scope is not None:
            if not isinstance(self._name_or_scope, (VariableScope, str)):
                raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
            if isinstance(self._name_or_scope, str):
                ns_name = self._name_or_scope
            else:
                ns_name = self._name_or_scope.name.split("/")[-1]
            if ns_name or current_name_scope:
                current_name_scope = current_name_scope or name_scope(ns_name)
                entered_name = current_name_scope.__enter__()
                self._current_name_scope = current_name_scope
                if isinstance(self._name_or_scope, str):
                    old_name_scope = entered_name
                else:
                    old_name_scope = self._name_or_scope.original_name_scope
                pure = self._pure(self._name_or_scope, old_name_scope=old_name_scope)
            else:
                # Only when entering the root variable scope: no name scope at all.
                self._current_name_scope = None
                pure = self._pure(self._name_or_scope)
        else:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            current_name_scope = current_name_scope or name_scope(self._default_name)
            entered_name = current_name_scope.__enter__()
            self._current_name_scope = current_name_scope
            unique_default_name = _get_unique_variable_scope(self._default_name)
            pure = self._pure(unique_default_name, old_name_scope=entered_name)
        try:
            entered = pure.__enter__()
        except BaseException:
            pure.__exit__(*sys.exc_info())
            if self._current_name_scope is not None:
                self._current_name_scope.__exit__(*sys.exc_info())
            raise
        self._cached_pure_variable_scope = pure
        return entered

    def __exit__(self, *exc) -> bool:
        try:
            self._cached_pure_variable_scope.__exit__(*exc)
        finally:
            try:
                if self._current_name_scope is not None:
                    self._current_name_scope.__exit__(*exc)
            finally:
                self._graph_context_manager.__exit__(*exc)
        return False


def variable_op_scope(values: Sequence[Any], name_or_scope: Any, default_name: Optional[str] = None,
                      initializer: Any = None, regularizer: Optional[Callable] = None,
                      caching_device: Any = None, partitioner: Optional[Callable] = None,
                      custom_getter: Optional[Callable] = None, reuse: Any = None,
                      dtype: Any = None, use_resource: Any = None,
                      constraint: Optional[Callable] = None) -> variable_scope:
    """Deprecated TF1 spelling of `variable_scope(name_or_scope, default_name, values)`."""
    return variable_scope(name_or_scope, default_name=default_name, values=values,
                          initializer=initializer, regularizer=regularizer,
                          caching_device=caching_device, partitioner=partitioner,
                          custom_getter=custom_getter, reuse=reuse, dtype=dtype,
                          use_resource=use_resource, constraint=constraint)


# --- public getters ---------------------------------------------------------------------------
def get_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                 regularizer: Optional[Callable] = None, trainable: Optional[bool] = None,
                 collections: Optional[Sequence[str]] = None, caching_device: Any = None,
                 partitioner: Optional[Callable] = None, validate_shape: bool = True,
                 use_resource: Any = None, custom_getter: Optional[Callable] = None,
                 constraint: Optional[Callable] = None,
                 synchronization: Any = VariableSynchronization.AUTO,
                 aggregation: Any = VariableAggregation.NONE) -> Variable:
    """Gets an existing variable or creates a new one (`tf.get_variable`).

    The variable is named "<variable scope>/<name>" whatever the name scope. A new one is
    created unless the scope reuses variables; its initial value comes from `initializer`,
    else the scope's initializer, else Glorot uniform (floats) or zeros (ints, bools),
    built under "<name>/Initializer/".

    Args:
      name: The variable's name inside the current variable scope.
      shape: Its shape (required unless `initializer` is a value or a no-argument callable).
      dtype: Its type (default: the scope's, float32).
      initializer: An initializer (class or instance), a callable `f()`, or a value/Tensor.
      regularizer: `f(variable) -> loss tensor or None`; the loss goes to
        `tf.GraphKeys.REGULARIZATION_LOSSES`.
      trainable: If True (default), added to `TRAINABLE_VARIABLES`.
      collections: Collections to add it to (default `[GLOBAL_VARIABLES]`).
      caching_device, use_resource, synchronization, aggregation: Accepted for compatibility.
      partitioner: Not supported (raises NotImplementedError when set).
      validate_shape: If False, the variable may later take values of other shapes.
      custom_getter: `f(getter, name, *args, **kwargs)` wrapping the creation.
      constraint: Stored on the variable (applied by optimizers).

    Returns:
      The `Variable`.

    Raises:
      ValueError: When creating an existing variable without reuse, reusing a missing one,
        or sharing with another shape or dtype, or for an invalid initializer.
    """
    return get_variable_scope().get_variable(
        _get_default_variable_store(), name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, partitioner=partitioner, validate_shape=validate_shape,
        use_resource=use_resource, custom_getter=custom_getter, constraint=constraint,
        synchronization=synchronization, aggregation=aggregation)


def get_local_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                       regularizer: Optional[Callable] = None, trainable: bool = False,
                       collections: Optional[Sequence[str]] = None, caching_device: Any = None,
                       partitioner: Optional[Callable] = None, validate_shape: bool = True,
                       use_resource: Any = None, custom_getter: Optional[Callable] = None,
                       constraint: Optional[Callable] = None,
                       synchronization: Any = VariableSynchronization.AUTO,
                       aggregation: Any = VariableAggregation.NONE) -> Variable:
    """`get_variable` for a non-trainable variable in `tf.GraphKeys.LOCAL_VARIABLES`."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=False, collections=collections,
                        caching_device=caching_device, partitioner=partitioner,
                        validate_shape=validate_shape, use_resource=use_resource,
                        custom_getter=custom_getter, constraint=constraint,
                        synchronization=synchronization, aggregation=aggregation)


__all__ = ["AUTO_REUSE", "VariableScope", "VariableSynchronization", "VariableAggregation",
           "get_local_variable", "get_variable", "get_variable_scope", "no_regularizer",
           "variable_op_scope", "variable_scope"]
