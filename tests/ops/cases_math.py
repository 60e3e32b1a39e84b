"""Finite-difference gradient cases for the math ops (see gradcheck.py for the format)."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case


def _away_from_zero(*shapes, low=0.2, high=1.5):
    """Random values with |v| in [low, high) and random signs (away from kinks at 0)."""
    def values(rng):
        return [rng.uniform(low, high, s) * rng.choice([-1.0, 1.0], s) for s in shapes]
    return values


def _separated(shape_x, shape_y, gap=0.2):
    """x and y (y broadcasting to x's shape) that differ by at least `gap` everywhere."""
    def values(rng):
        y = rng.uniform(-1, 1, shape_y)
        offset = rng.uniform(gap, 1.0, shape_x) * rng.choice([-1.0, 1.0], shape_x)
        return [np.broadcast_to(y, shape_x) + offset, y]
    return values


def _distinct(shape, tie_pair=False):
    """A permutation of well-separated values; optionally with one exact tie of the maximum
    in the first row (central differences then see half the slope: TF1 splits ties)."""
    def values(rng):
        n = int(np.prod(shape))
        v = rng.permutation(n).astype(np.float64) * 0.3 - 0.15 * n
        v = v.reshape(shape)
        if tie_pair:
            row = v.reshape(shape[0], -1)
            top = int(np.argmax(row[0]))
            row[0, (top + 1) % row.shape[1]] = row[0, top]
        return [v]
    return values


def _floormod_values(shape):
    def values(rng):
        y = rng.uniform(1.0, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        n = rng.integers(-2, 3, shape)
        frac = rng.uniform(0.2, 0.8, shape)
        return [y * (n + frac), y]
    return values


def _add_v2(a, b):
    return a.graph.create_op("AddV2", [a, b], name="AddV2").outputs[0]


_COND = np.array([[True, False, True], [False, False, True]])

CASES = {
    "Add": [
        Case(lambda a, b: tf.add(a, b), [(2, 3), (2, 3)], second_order=True),
        Case(lambda a, b: a + b, [(2, 3), (3,)], label="broadcast"),
        Case(lambda a, b: tf.add(a, b), [(2, 1), (1, 3)], label="broadcast2"),
        Case(lambda a, b: tf.add(a, b), [(2, 3), (1, 3)], dynamic=True, label="dynamic"),
        Case(lambda a, b: tf.add(a, b), [(), (4,)], label="scalar"),
        Case(lambda a, b: tf.add(a, b), [(2, 3), (2, 3)], dtype=tf.float32, label="float32"),
    ],
    "AddV2": [Case(_add_v2, [(2, 3), (3,)]), Case(_add_v2, [(2, 1), (3,)], dynamic=True)],
    "Sub": [
        Case(lambda a, b: a - b, [(2, 3), (2, 3)]),
        Case(lambda a, b: tf.subtract(a, b), [(3,), (2, 3)], label="broadcast"),
        Case(lambda a, b: tf.subtract(a, b), [(4, 1), (1, 3)], dynamic=True, label="dynamic"),
    ],
    "Mul": [
        Case(lambda a, b: a * b, [(2, 3), (2, 3)], second_order=True),
        Case(lambda a, b: tf.multiply(a, b), [(2, 3), (3,)], second_order=True, label="broadcast"),
        Case(lambda a, b: tf.multiply(a, b), [(2, 1, 3), (4, 1)], dynamic=True, label="dynamic"),
        Case(lambda a: a * a, [(3,)], label="same-tensor"),
        Case(lambda a, b: a * b, [(2, 3), (3,)], dtype=tf.float32, label="float32"),
    ],
    "RealDiv": [
        Case(lambda a, b: a / b, [(2, 3), (2, 3)], values=_away_from_zero((2, 3), (2, 3), low=0.5),
             second_order=True),
        Case(lambda a, b: tf.realdiv(a, b), [(2, 3), (3,)],
             values=_away_from_zero((2, 3), (3,), low=0.5), label="broadcast"),
        Case(lambda a, b: tf.divide(a, b), [(2, 3), (3,)], dynamic=True,
             values=_away_from_zero((2, 3), (3,), low=0.5), label="dynamic"),
    ],
    "DivNoNan": [
        Case(lambda a, b: tf.div_no_nan(a, b), [(2, 3), (3,)],
             values=_away_from_zero((2, 3), (3,), low=0.5)),
    ],
    "FloorMod": [
        Case(lambda a, b: tf.floormod(a, b), [(2, 3), (2, 3)], values=_floormod_values((2, 3))),
        Case(lambda a, b: a % b, [(5,), (5,)], values=_floormod_values((5,)), dynamic=True,
             label="dynamic"),
    ],
    "Pow": [
        Case(lambda a, b: tf.pow(a, b), [(2, 3), (2, 3)], low=[0.5, -2.0], high=[2.0, 2.0],
             second_order=True),
        Case(lambda a, b: a ** b, [(2, 3), (3,)], low=[0.5, -1.0], high=[2.0, 2.0],
             label="broadcast"),
        Case(lambda a: tf.pow(a, 3.0), [(2, 3)], low=-2.0, high=2.0, label="negative-base"),
    ],
    "Maximum": [
        Case(lambda a, b: tf.maximum(a, b), [(2, 3), (2, 3)], values=_separated((2, 3), (2, 3)),
             second_order=True),
        Case(lambda a, b: tf.maximum(a, b), [(2, 3), (3,)], values=_separated((2, 3), (3,)),
             label="broadcast"),
        Case(lambda a, b: tf.maximum(a, b), [(2, 3), (3,)], values=_separated((2, 3), (3,)),
             dynamic=True, label="dynamic"),
    ],
    "Minimum": [
        Case(lambda a, b: tf.minimum(a, b), [(2, 3), (2, 3)], values=_separated((2, 3), (2, 3))),
        Case(lambda a, b: tf.minimum(a, b), [(2, 3), (3,)], values=_separated((2, 3), (3,)),
             label="broadcast"),
    ],
    "SquaredDifference": [
        Case(lambda a, b: tf.squared_difference(a, b), [(2, 3), (2, 3)], second_order=True),
        Case(lambda a, b: tf.squared_difference(a, b), [(2, 3), (3,)], dynamic=True,
             label="dynamic-broadcast"),
    ],
    "Neg": [Case(lambda a: -a, [(2, 3)]),
            Case(lambda a: tf.negative(a), [(4,)], second_order=True)],
    "Abs": [Case(lambda a: tf.abs(a), [(2, 3)], values=_away_from_zero((2, 3)), second_order=True)],
    "Sign": [Case(lambda a: tf.sign(a) * a, [(2, 3)], values=_away_from_zero((2, 3)))],
    "Square": [Case(lambda a: tf.square(a), [(2, 3)], second_order=True),
               Case(lambda a: tf.square(a), [(3,)], dtype=tf.float32, label="float32")],
    "Sqrt": [Case(lambda a: tf.sqrt(a), [(2, 3)], low=0.5, high=2.0, second_order=True)],
    "Rsqrt": [Case(lambda a: tf.rsqrt(a), [(2, 3)], low=0.5, high=2.0, second_order=True)],
    "Exp": [Case(lambda a: tf.exp(a), [(2, 3)], second_order=True)],
    "Expm1": [Case(lambda a: tf.expm1(a), [(2, 3)], second_order=True)],
    "Log": [Case(lambda a: tf.log(a), [(2, 3)], low=0.5, high=2.0, second_order=True)],
    "Log1p": [Case(lambda a: tf.log1p(a), [(2, 3)], low=-0.5, high=2.0, second_order=True)],
    "Reciprocal": [Case(lambda a: tf.reciprocal(a), [(2, 3)],
                        values=_away_from_zero((2, 3), low=0.5),
                        second_order=True)],
    "Sin": [Case(lambda a: tf.sin(a), [(2, 3)], low=-3.0, high=3.0, second_order=True)],
    "Cos": [Case(lambda a: tf.cos(a), [(2, 3)], low=-3.0, high=3.0, second_order=True)],
    "Select": [
        Case(lambda a, b: tf.where(tf.constant(_COND), a, b), [(2, 3), (2, 3)], second_order=True),
        Case(lambda a, b: tf.where(tf.constant([False, True]), a, b), [(2, 3), (2, 3)],
             label="vector-condition"),
        Case(lambda a, b: tf.where(tf.constant(_COND), a, b), [(2, 3), (2, 3)], dynamic=True,
             label="dynamic"),
    ],
    "SelectV2": [
        Case(lambda a, b: tf.where_v2(tf.constant(_COND), a, b), [(2, 3), (3,)]),
        Case(lambda a, b: tf.where_v2(tf.constant([True, False, True]), a, b), [(2, 1), (2, 3)],
             dynamic=True, label="dynamic"),
    ],
    "Cast": [
        # A linear round trip through float32: a larger step keeps float32 rounding small.
        Case(lambda a: tf.cast(tf.cast(a, tf.float32), tf.float64) * 3.0, [(2, 3)], delta=1e-2,
             atol=1e-5),
    ],
    "Sum": [
        Case(lambda a: tf.reduce_sum(a), [(2, 3)], second_order=True),
        Case(lambda a: tf.reduce_sum(a, axis=1), [(2, 3, 2)]),
        Case(lambda a: tf.reduce_sum(a, axis=[0, -1], keepdims=True), [(2, 3, 2)],
             label="keepdims"),
        Case(lambda a: tf.reduce_sum(a, axis=1), [(2, 3, 2)], dynamic=True, label="dynamic"),
        Case(lambda a: tf.reduce_sum(a, axis=tf.constant(0) + 1), [(2, 3)], label="tensor-axis"),
    ],
    "Mean": [
        Case(lambda a: tf.reduce_mean(a), [(2, 3)], second_order=True),
        Case(lambda a: tf.reduce_mean(a, axis=-1, keepdims=True), [(2, 3, 4)], label="keepdims"),
        Case(lambda a: tf.reduce_mean(a, axis=[0, 2]), [(2, 3, 4)], dynamic=True, label="dynamic"),
    ],
    "Prod": [
        Case(lambda a: tf.reduce_prod(a, axis=1), [(2, 3)], values=_away_from_zero((2, 3), low=0.5),
             second_order=True),
        Case(lambda a: tf.reduce_prod(a), [(2, 2)], values=_away_from_zero((2, 2), low=0.5),
             dynamic=True, label="dynamic"),
    ],
    "Max": [
        Case(lambda a: tf.reduce_max(a, axis=1), [(2, 4)], values=_distinct((2, 4))),
        Case(lambda a: tf.reduce_max(a, axis=1), [(2, 4)], values=_distinct((2, 4), tie_pair=True),
             label="tie"),
        Case(lambda a: tf.reduce_max(a), [(2, 3)], values=_distinct((2, 3)), dynamic=True,
             label="dynamic"),
        Case(lambda a: tf.reduce_max(a, axis=0, keepdims=True), [(3, 2)], values=_distinct((3, 2)),
             second_order=True, label="keepdims"),
    ],
    "Min": [
        Case(lambda a: tf.reduce_min(a, axis=0), [(3, 2)], values=_distinct((3, 2))),
        Case(lambda a: tf.reduce_min(a, axis=[0, 1]), [(2, 3)], values=_distinct((2, 3)),
             dynamic=True, label="dynamic"),
    ],
    "Cumsum": [
        Case(lambda a: tf.cumsum(a, axis=1), [(2, 4)], second_order=True),
        Case(lambda a: tf.cumsum(a, exclusive=True, reverse=True), [(4, 2)],
             label="exclusive-reverse"),
    ],
    "AddN": [Case(lambda a, b, c: tf.add_n([a, b, c]), [(2, 3)] * 3, second_order=True)],
    "MatMul": [
        Case(lambda a, b: tf.matmul(a, b), [(2, 3), (3, 4)], second_order=True),
        Case(lambda a, b: tf.matmul(a, b, transpose_a=True), [(3, 2), (3, 4)], label="ta"),
        Case(lambda a, b: tf.matmul(a, b, transpose_b=True), [(2, 3), (4, 3)], label="tb"),
        Case(lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True), [(3, 2), (4, 3)],
             second_order=True, label="ta-tb"),
        Case(lambda a, b: tf.matmul(a, b), [(2, 3), (3, 4)], dynamic=True, label="dynamic"),
        Case(lambda a, b: tf.matmul(a, b), [(2, 3), (3, 4)], dtype=tf.float32, label="float32"),
    ],
    "BatchMatMulV2": [
        Case(lambda a, b: tf.matmul(a, b), [(2, 2, 3), (2, 3, 4)], second_order=True),
        Case(lambda a, b: tf.matmul(a, b, adjoint_a=True), [(2, 3, 2), (2, 3, 4)], label="adj_x"),
        Case(lambda a, b: tf.matmul(a, b, adjoint_b=True), [(2, 2, 3), (2, 4, 3)], label="adj_y"),
        Case(lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
             [(2, 3, 2), (2, 4, 3)], label="adj_x-adj_y"),
        Case(lambda a, b: tf.matmul(a, b), [(2, 1, 2, 3), (3, 3, 2)], label="broadcast-batch"),
        Case(lambda a, b: tf.matmul(a, b), [(2, 3), (2, 3, 4)], label="rank2-rank3"),
        Case(lambda a, b: tf.matmul(a, b), [(2, 1, 2, 3), (3, 3, 2)], dynamic=True,
             label="dynamic"),
    ],
}
