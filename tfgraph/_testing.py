"""The implementation of `tf.test` (re-exported by `tfgraph/test.py`): the gradient checker (`compute_gradient`, `compute_gradient_error`), `TestCase`,
and device queries, as TF1 test scripts use them."""
from __future__ import annotations

import contextlib
import importlib.util
import tempfile
import unittest
from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

from .framework import errors
from .framework.graph import Graph, Tensor, get_default_graph, reset_default_graph
from .framework.indexed_slices import IndexedSlices
from .framework.ops import convert_to_tensor

__all__ = ["compute_gradient", "compute_gradient_error", "TestCase", "main", "get_temp_dir",
           "is_gpu_available", "gpu_device_name", "is_built_with_cuda",
           "is_built_with_gpu_support", "is_built_with_rocm"]


# --- gradient checker -------------------------------------------------------------------------
def _session_for(graph: Graph):
    """The default session if it runs `graph`, else a new one (closed by the caller)."""
    from .session import Session, get_default_session
    sess = get_default_session()
    if sess is not None and sess.graph is graph:
        return sess, False
    return Session(graph=graph), True


def _as_tensor(x: Any) -> Tensor:
    from .framework.constant import convert_to_tensor
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _init_value(x: Tensor, x_shape: Sequence[int], value: Any) -> np.ndarray:
    shape = tuple(int(d) for d in x_shape)
    if not x.shape.is_compatible_with(shape):
        raise ValueError(f"x_shape {list(shape)} is incompatible with the shape {x.shape} of "
                         f"{x.name}")
    if value is None:
        # TF1: uniform [0, 1) in the tensor's dtype
        return np.random.random_sample(shape).astype(x.dtype.np_dtype)
    arr = np.asarray(value, dtype=x.dtype.np_dtype)
    if arr.shape != shape:
        raise ValueError(f"x_init_value for {x.name} has shape {arr.shape}, expected {shape}")
    return arr.copy()


def _check_float(t: Tensor, what: str) -> None:
    if not t.dtype.is_floating:
        raise TypeError(f"compute_gradient needs floating-point {what}, got {t.name} of "
                        f"dtype {t.dtype.name}")


def _jacobians(sess, x: Tensor, x_data: np.ndarray, y: Tensor, y_shape: Tuple[int, ...],
               dx: Optional[Tensor], dy: Tensor, delta: float, feeds: dict):
    """(theoretical, numerical) Jacobians of y w.r.t. x, both [x_size, y_size] float64."""
    x_size, y_size = x_data.size, int(np.prod(y_shape, dtype=np.int64))
    feed = dict(feeds)
    feed[x] = x_data

    theoretical = np.zeros((x_size, y_size), dtype=np.float64)
    if dx is not None:
        seed = np.zeros(y_shape, dtype=dy.dtype.np_dtype)
        feed_t = dict(feed)
        for col in range(y_size):
            seed.flat[col] = 1
            feed_t[dy] = seed
            theoretical[:, col] = np.asarray(sess.run(dx, feed_t), dtype=np.float64).ravel()
            seed.flat[col] = 0

    numerical = np.zeros((x_size, y_size), dtype=np.float64)
    y_val = np.asarray(sess.run(y, feed))
    if y_val.shape != tuple(y_shape):
        raise ValueError(f"y_shape {list(y_shape)} does not match the shape {list(y_val.shape)} "
                         f"of {y.name}")
    step = np.asarray(delta, dtype=x.dtype.np_dtype)
    for row in range(x_size):
        # Perturb in x's dtype; difference and divide in float64 by the step actually taken.
        x_pos, x_neg = x_data.copy(), x_data.copy()
        x_pos.flat[row] = x_data.flat[row] + step
        x_neg.flat[row] = x_data.flat[row] - step
        feed[x] = x_pos
        y_pos = np.asarray(sess.run(y, feed), dtype=np.float64)
        feed[x] = x_neg
        y_neg = np.asarray(sess.run(y, feed), dtype=np.float64)
        h = float(x_pos.flat[row]) - float(x_neg.flat[row])
        numerical[row, :] = ((y_pos - y_neg) / h).ravel()
    return theoretical, numerical


def compute_gradient(x: Union[Tensor, List[Tensor]], x_shape: Any, y: Tensor, y_shape: Any,
                     x_init_value: Any = None, delta: float = 1e-3,
                     init_targets: Optional[Sequence[Any]] = None,
                     extra_feed_dict: Optional[dict] = None):
    """The theoretical and numerical Jacobians of `y` w.r.t. `x` (`tf.test.compute_gradient`).

    The theoretical Jacobian is built with `tf.gradients` (one run per element of y, seeding
    `grad_ys` with a one-hot tensor); the numerical one by central differences: x is perturbed
    by +-`delta` in its own dtype, and the differences are taken in float64.  Runs in the
    default session when it holds the graph of x, else in a temporary one.

    Args:
      x: A float tensor, or a list of them.
      x_shape: The shape of x (a list of shapes for a list of x).
      y: The float tensor to differentiate.
      y_shape: The shape of y.
      x_init_value: The value(s) of x to evaluate at (same structure as x); default:
        uniform random in [0, 1), as TF1.
      delta: The perturbation.
      init_targets: Ops/tensors to run first (e.g. variable initializers).
      extra_feed_dict: Further feeds (other placeholders).

    Returns:
      For one x, `(theoretical, numerical)`, two float64 arrays of shape [x_size, y_size]
      (row i: the derivative of every element of y w.r.t. element i of x); for a list of x,
      a list of such pairs.

    Raises:
      TypeError: If x or y is not floating-point.
      ValueError: If x_shape, y_shape or x_init_value do not fit.
    """
    from .gradients import gradients
    from .ops.array_ops import placeholder
    xs = list(x) if isinstance(x, (list, tuple)) else [x]
    is_list = isinstance(x, (list, tuple))
    shapes = list(x_shape) if is_list else [x_shape]
    inits = (list(x_init_value) if x_init_value is not None else [None] * len(xs)) if is_list \
        else [x_init_value]
    if len(shapes) != len(xs) or len(inits) != len(xs):
        raise ValueError("x, x_shape and x_init_value must have the same length")
    xs = [_as_tensor(t) for t in xs]
    y = _as_tensor(y)
    y_shape = tuple(int(d) for d in y_shape)
    for t in xs:
        _check_float(t, "x")
    _check_float(y, "y")
    if not y.shape.is_compatible_with(y_shape):
        raise ValueError(f"y_shape {list(y_shape)} is incompatible with the shape {y.shape} of "
                         f"{y.name}")
    graph = y.graph
    sess, owned = _session_for(graph)
    try:
        if init_targets is not None:
            for target in init_targets:
                sess.run(target)
        x_data = [_init_value(t, s, v) for t, s, v in zip(xs, shapes, inits)]
        with graph.as_default():
            dy = placeholder(y.dtype, y_shape, name="gradient_checker_dy")
            # Sparse gradients (IndexedSlices, e.g. of tf.gather) are checked densified.
            dxs = [convert_to_tensor(d) if isinstance(d, IndexedSlices) else d
                   for d in gradients(y, xs, grad_ys=dy)]
        # Every x not being perturbed is fed its initial value (TF1 feeds only the one x).
        base = {t: v for t, v in zip(xs, x_data)}
        base.update(extra_feed_dict or {})
        results = []
        for t, v, dx in zip(xs, x_data, dxs):
            results.append(_jacobians(sess, t, v, y, y_shape, dx, dy, delta, base))
    finally:
        if owned:
            sess.close()
    return results if is_list else results[0]


def compute_gradient_error(x: Union[Tensor, List[Tensor]], x_shape: Any, y: Tensor, y_shape: Any,
                           x_init_value: Any = None, delta: float = 1e-3,
                           init_targets: Optional[Sequence[Any]] = None,
                           extra_feed_dict: Optional[dict] = None) -> float:
    """The largest absolute difference between the theoretical and numerical Jacobians
    (`tf.test.compute_gradient_error`); arguments as `compute_gradient`."""
    grad = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                            extra_feed_dict)
    pairs = grad if isinstance(grad, list) else [grad]
    error = 0.0
    for theoretical, numerical in pairs:
        if theoretical.size or numerical.size:
            error = max(error, float(np.max(np.fabs(theoretical - numerical))))
    return error


# --- devices ----------------------------------------------------------------------------------
def is_built_with_cuda() -> bool:
    """True when CuPy is installed, i.e. tfgraph can run ops on an NVIDIA GPU."""
    return importlib.util.find_spec("cupy") is not None


def is_built_with_gpu_support() -> bool:
    return is_built_with_cuda()


def is_built_with_rocm() -> bool:
    return False


def is_gpu_available(cuda_only: bool = False,
                     min_cuda_compute_capability: Optional[Tuple[int, int]] = None) -> bool:
    """True if CuPy is installed and sees a CUDA device (of at least the given capability)."""
    if not is_built_with_cuda():
        return False
    try:
        import cupy
        n = cupy.cuda.runtime.getDeviceCount()
        if n <= 0:
            return False
        if min_cuda_compute_capability is None:
            return True
        want = tuple(min_cuda_compute_capability)
        for i in range(n):
            cc = cupy.cuda.Device(i).compute_capability  # e.g. "90"
            if (int(cc[:-1]), int(cc[-1])) >= want:
                return True
        return False
    except Exception:  # noqa: BLE001 - no driver, no device: simply "not available"
        return False


def gpu_device_name() -> str:
    """"/device:GPU:0" when a GPU is available, else ""."""
    return "/device:GPU:0" if is_gpu_available() else ""


# --- TestCase ---------------------------------------------------------------------------------
_temp_dir: Optional[str] = None


def get_temp_dir() -> str:
    """A temporary directory shared by the tests of this process."""
    global _temp_dir
    if _temp_dir is None:
        _temp_dir = tempfile.mkdtemp(prefix="tfgraph_test_")
    return _temp_dir


def main(argv: Optional[List[str]] = None) -> None:
    """Runs the tests of `__main__` (`tf.test.main`)."""
    unittest.main(argv=argv)


def _flatten(value: Any) -> List[Any]:
    if isinstance(value, dict):
        return [v for k in sorted(value) for v in _flatten(value[k])]
    if isinstance(value, (list, tuple)) and not _is_array_like(value):
        return [v for item in value for v in _flatten(item)]
    return [value]


def _is_array_like(value: Any) -> bool:
    """A (nested) list of numbers, which is one array, not a structure of arrays."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        return False
    return arr.dtype != object


class TestCase(unittest.TestCase):
    """`tf.test.TestCase`: a `unittest.TestCase` with sessions and array assertions.

    Each test starts with a fresh default graph.  `self.session()` opens a new session on it,
    `self.cached_session()` reuses one per test; both are made the default session inside the
    `with` block, so `tensor.eval()` and `self.evaluate(t)` work there.
    """

    def setUp(self) -> None:
        super().setUp()
        self._cached_session = None
        reset_default_graph()
        np.random.seed(87654321)  # TF1's DEFAULT_GRAPH_SEED

    def tearDown(self) -> None:
        if self._cached_session is not None:
            self._cached_session.close()
            self._cached_session = None
        super().tearDown()

    def get_temp_dir(self) -> str:
        return get_temp_dir()

    @contextlib.contextmanager
    def session(self, graph: Optional[Graph] = None, config: Any = None, use_gpu: bool = False,
                force_gpu: bool = False) -> Iterator[Any]:
        """A new session on `graph` (default: the default graph), as the default session."""
        from .session import Session
        graph = graph if graph is not None else get_default_graph()
        with graph.as_default(), Session(graph=graph, config=config) as sess:
            yield sess

    @contextlib.contextmanager
    def cached_session(self, graph: Optional[Graph] = None, config: Any = None,
                       use_gpu: bool = False, force_gpu: bool = False) -> Iterator[Any]:
        """The same session for every call in one test (a new one if the graph changes)."""
        from .session import Session
        graph = graph if graph is not None else get_default_graph()
        sess = self._cached_session
        if sess is None or sess.graph is not graph or sess._closed:
            if sess is not None:
                sess.close()
            sess = self._cached_session = Session(graph=graph, config=config)
        with graph.as_default(), sess.as_default():
            yield sess

    def test_session(self, graph: Optional[Graph] = None, config: Any = None,
                     use_gpu: bool = False, force_gpu: bool = False):
        """Deprecated TF1 spelling of `cached_session`."""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")  # unittest collects it by its name, as in TF1
        return self.cached_session(graph, config, use_gpu, force_gpu)


    def evaluate(self, tensors: Any) -> Any:
        """Runs `tensors` (any nesting) in the default session (or the cached one)."""
        from .session import get_default_session
        sess = get_default_session()
        if sess is None:
            with self.cached_session() as sess:
                return sess.run(tensors)
        return sess.run(tensors)

    # --- assertions -------------------------------------------------------------------
    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                       msg: Optional[str] = None) -> None:
        """Asserts that two arrays (or equal structures of arrays) are close elementwise."""
        fa, fb = _flatten(a), _flatten(b)
        self.assertEqual(len(fa), len(fb), msg or "structures differ in length")
        for x, y in zip(fa, fb):
            x, y = np.asarray(x), np.asarray(y)
            self.assertEqual(x.shape, y.shape, msg or f"shape mismatch: {x.shape} vs {y.shape}")
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=msg or "",
                                       equal_nan=True)

    def assertAllCloseAccordingToType(self, a: Any, b: Any, rtol: float = 1e-6,  # noqa: N802
                                      atol: float = 1e-6, float_rtol: float = 1e-6,
                                      float_atol: float = 1e-6, half_rtol: float = 1e-3,
                                      half_atol: float = 1e-3, msg: Optional[str] = None) -> None:
        """`assertAllClose` with tolerances loosened for float32 / float16 values."""
        dt = np.asarray(a).dtype
        if dt == np.float32:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        elif dt == np.float16:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertAllEqual(self, a: Any, b: Any, msg: Optional[str] = None) -> None:  # noqa: N802
        """Asserts that two arrays have the same shape and elements."""
        x, y = np.asarray(a), np.asarray(b)
        self.assertEqual(x.shape, y.shape, msg or f"shape mismatch: {x.shape} vs {y.shape}")
        np.testing.assert_array_equal(x, y, err_msg=msg or "")

    def assertNear(self, f1: float, f2: float, err: float,  # noqa: N802
                   msg: Optional[str] = None) -> None:
        self.assertTrue(abs(f1 - f2) <= err, msg or f"{f1} != {f2} +/- {err}")

    def assertArrayNear(self, farray1: Sequence[float], farray2: Sequence[float],  # noqa: N802
                        err: float, msg: Optional[str] = None) -> None:
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def assertShapeEqual(self, np_array: Any, tf_tensor: Tensor,  # noqa: N802
                         msg: Optional[str] = None) -> None:
        self.assertEqual(list(np.shape(np_array)), tf_tensor.shape.as_list(), msg)

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self.assertTrue(np.all(np.asarray(a) > comparison_target), f"{a} not > {comparison_target}")

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self.assertTrue(np.all(np.asarray(a) < comparison_target), f"{a} not < {comparison_target}")

    def assertRaisesOpError(self, expected_err_re_or_predicate: Any):  # noqa: N802
        """Context manager asserting a `tf.errors.OpError` whose message matches."""
        return self.assertRaisesRegex(errors.OpError, expected_err_re_or_predicate)

    def assertRaisesWithPredicateMatch(self, exception_type: type,  # noqa: N802
                                       expected_err_re_or_predicate: Any):
        return self.assertRaisesRegex(exception_type, expected_err_re_or_predicate)
