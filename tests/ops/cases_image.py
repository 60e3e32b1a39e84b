"""Finite-difference gradient cases for the resize ops (format: gradcheck.py). Resizing gives
float32 (TF1), so the checks run in float32."""
from __future__ import annotations

import tfgraph as tf
from gradcheck import Case


def _resize(fn, size, **kw):
    return lambda x: fn(x, size, **kw)


CASES = {
    "ResizeBilinear": [
        Case(_resize(tf.image.resize_bilinear, [5, 7]), [(2, 3, 4, 2)], dtype=tf.float32, label="up"),
        Case(_resize(tf.image.resize_bilinear, [2, 3], align_corners=True), [(1, 4, 5, 1)],
             dtype=tf.float32, label="down-align"),
        Case(_resize(tf.image.resize_bilinear, [5, 3], half_pixel_centers=True), [(1, 3, 4, 2)],
             dtype=tf.float32, label="half-pixel"),
    ],
    "ResizeNearestNeighbor": [
        Case(_resize(tf.image.resize_nearest_neighbor, [5, 7]), [(2, 3, 4, 1)], dtype=tf.float32,
             label="up"),
        Case(_resize(tf.image.resize_nearest_neighbor, [2, 3], align_corners=True), [(1, 4, 5, 2)],
             dtype=tf.float32, label="down-align"),
    ],
    "ResizeBicubic": [
        Case(_resize(tf.image.resize_bicubic, [5, 6]), [(1, 3, 4, 2)], dtype=tf.float32, label="up"),
        Case(_resize(tf.image.resize_bicubic, [3, 3], half_pixel_centers=True), [(1, 4, 5, 1)],
             dtype=tf.float32, label="half-pixel"),
    ],
}
