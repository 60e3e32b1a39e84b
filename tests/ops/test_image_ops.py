"""tf.image: resize conventions (TensorFlow's values and NumPy references), codecs, crops,
flips, color and dtype conversion."""
import io

import numpy as np
import pytest

import tfgraph as tf

X = np.array([[1., 4., 2.], [0., 8., 5.]], np.float32).reshape(1, 2, 3, 1)

# Printed by TensorFlow 2.21 (tf.compat.v1.image.*) for X above; the script is in the
# docstring of test_resize_matches_tensorflow.
TF_VALUES = {
    "bilinear": [[1.0, 3.25, 3.0, 2.0], [0.33333, 5.08333, 5.33333, 4.0], [0.0, 6.0, 6.5, 5.0]],
    "bilinear_ac": [[1.0, 3.0, 3.33333, 2.0], [0.5, 4.16667, 5.16667, 3.5], [0.0, 5.33333, 7.0, 5.0]],
    "nearest_hp": [[1, 1, 4, 2, 2], [0, 0, 8, 5, 5], [0, 0, 8, 5, 5]],
    "bicubic": [[1.0, 3.53125, 3.28125, 1.78906], [0.31446, 5.56912, 6.00198, 3.77337],
                [-0.11111, 6.8342, 7.69097, 5.00521]],
    "bicubic_hp": [[0.92638, 2.87537, 3.20191, 1.7013], [0.21269, 4.12254, 5.45276, 3.3694],
                   [-0.50101, 5.36972, 7.70361, 5.03751]],
    "area": [[2.33333, 4.33333]],
}


def test_resize_matches_tensorflow():
    """Expected values from:
        x = [[1,4,2],[0,8,5]] as (1,2,3,1) float32; tf.image.resize_bilinear(x, [3,4]),
        (..., align_corners=True), resize_nearest_neighbor(x, [3,5], half_pixel_centers=True),
        resize_bicubic(x, [3,4]) (and half_pixel_centers=True), resize_area(x, [1,2])
    run in a tf.compat.v1 Session, rounded to 5 decimals."""
    ops = {"bilinear": tf.image.resize_bilinear(X, [3, 4]),
           "bilinear_ac": tf.image.resize_bilinear(X, [3, 4], align_corners=True),
           "nearest_hp": tf.image.resize_nearest_neighbor(X, [3, 5], half_pixel_centers=True),
           "bicubic": tf.image.resize_bicubic(X, [3, 4]),
           "bicubic_hp": tf.image.resize_bicubic(X, [3, 4], half_pixel_centers=True),
           "area": tf.image.resize_area(X, [1, 2])}
    with tf.Session() as sess:
        got = sess.run(ops)
    for k, v in TF_VALUES.items():
        np.testing.assert_allclose(got[k][0, ..., 0], v, atol=2e-5, err_msg=k)
        assert got[k].dtype == np.float32


def test_resize_keeps_an_infinite_pixel_local():
    """Finite float32 images resize through one interpolation-matrix product per axis; an
    infinite pixel would spread through the matrix's zeros (0 * inf = NaN), so such images
    take the per-tap path: only outputs near the pixel see it."""
    x = np.ones((1, 4, 4, 2), np.float32)
    x[0, 0, 0, 0] = np.inf
    with tf.Session() as sess:
        y = sess.run(tf.image.resize_bilinear(x, [8, 8]))
    assert not np.isfinite(y[0, 0, 0, 0])
    np.testing.assert_array_equal(y[0, 4:, 4:, :], 1.0)
    np.testing.assert_array_equal(y[..., 1], 1.0)


def _ref_bilinear(x, oh, ow, align, half):
    """Per-pixel loop of TF's bilinear sampling (independent of the kernel's tap tables)."""
    n, h, w, c = x.shape
    out = np.zeros((n, oh, ow, c), np.float64)
    sy = (h - 1) / (oh - 1) if align and oh > 1 else h / oh
    sx = (w - 1) / (ow - 1) if align and ow > 1 else w / ow
    for i in range(oh):
        fy = (i + 0.5) * sy - 0.5 if half else i * sy
        y0 = int(np.floor(fy))
        ly = fy - y0
        ya, yb = min(max(y0, 0), h - 1), min(max(y0 + 1, 0), h - 1)
        for j in range(ow):
            fx = (j + 0.5) * sx - 0.5 if half else j * sx
            x0 = int(np.floor(fx))
            lx = fx - x0
            xa, xb = min(max(x0, 0), w - 1), min(max(x0 + 1, 0), w - 1)
            top = x[:, ya, xa] * (1 - lx) + x[:, ya, xb] * lx
            bot = x[:, yb, xa] * (1 - lx) + x[:, yb, xb] * lx
            out[:, i, j] = top * (1 - ly) + bot * ly
    return out


def _ref_nearest(x, oh, ow, align, half):
    n, h, w, c = x.shape
    sy = (h - 1) / (oh - 1) if align and oh > 1 else h / oh
    sx = (w - 1) / (ow - 1) if align and ow > 1 else w / ow

    def src(i, s, n_in):
        f = (i + 0.5) * s if half else i * s
        return min(int(np.floor(f + 0.5)) if align else int(np.floor(f)), n_in - 1)
    rows = [src(i, sy, h) for i in range(oh)]
    cols = [src(j, sx, w) for j in range(ow)]
    return x[:, rows][:, :, cols]


@pytest.mark.parametrize("size", [(7, 5), (2, 3), (4, 9)])
@pytest.mark.parametrize("align,half", [(False, False), (True, False), (False, True)])
def test_bilinear_and_nearest_against_numpy_references(size, align, half):
    x = np.random.default_rng(0).uniform(0, 255, (2, 4, 6, 3)).astype(np.float32)
    xi = x.astype(np.uint8)
    b = tf.image.resize_bilinear(x, size, align_corners=align, half_pixel_centers=half)
    nn = tf.image.resize_nearest_neighbor(xi, size, align_corners=align, half_pixel_centers=half)
    assert nn.dtype == tf.uint8 and b.shape.as_list() == [2, size[0], size[1], 3]
    with tf.Session() as sess:
        bv, nv = sess.run([b, nn])
    np.testing.assert_allclose(bv, _ref_bilinear(x, *size, align, half), rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(nv, _ref_nearest(xi, *size, align, half))


def test_resize_images_v1_rules():
    img = tf.constant(np.arange(12, dtype=np.uint8).reshape(3, 4, 1))
    same = tf.image.resize_images(img, [3, 4])
    assert same.dtype == tf.uint8  # already the size: returned unchanged
    up = tf.image.resize_images(img, [6, 8])
    assert up.dtype == tf.float32 and up.shape.as_list() == [6, 8, 1]
    nn = tf.image.resize_images(img, [6, 8], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    assert nn.dtype == tf.uint8
    with tf.Session() as sess:
        s, n = sess.run([same, nn])
    np.testing.assert_array_equal(s, np.arange(12).reshape(3, 4, 1))
    np.testing.assert_array_equal(n[::2, ::2], np.arange(12).reshape(3, 4, 1))
    with pytest.raises(ValueError, match="half_pixel_centers is True"):
        tf.image.resize_bilinear(X, [2, 2], align_corners=True, half_pixel_centers=True)


def test_png_and_jpeg_round_trip_and_bad_data():
    pytest.importorskip("PIL")
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    png = tf.image.encode_png(img)
    dec = tf.image.decode_png(png)
    gray = tf.image.decode_png(png, channels=1)
    assert dec.shape.as_list() == [None, None, None] and gray.shape.as_list() == [None, None, 1]
    smooth = np.tile(np.linspace(0, 250, 16, dtype=np.uint8)[None, :, None], (16, 1, 3))
    jpg = tf.image.decode_jpeg(tf.image.encode_jpeg(smooth, quality=95), channels=3)
    anyimg = tf.image.decode_image(png)
    with tf.Session() as sess:
        d, g, j, a = sess.run([dec, gray, jpg, anyimg])
    np.testing.assert_array_equal(d, img)
    np.testing.assert_array_equal(a, img)
    ref_gray = np.asarray(__import__("PIL.Image", fromlist=["Image"]).fromarray(img).convert("L"))
    np.testing.assert_array_equal(g[..., 0], ref_gray)
    assert j.shape == (16, 16, 3) and np.abs(j.astype(int) - smooth).max() <= 8
    bad = tf.image.decode_png(tf.constant(b"not a png at all"), name="decode_bad")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="decode_bad"):
            sess.run(bad)


def test_read_file_decode_pipeline_in_a_dataset(tmp_path):
    pytest.importorskip("PIL")
    from PIL import Image
    for i in range(3):
        Image.fromarray(np.full((4 + i, 5, 3), 40 * i, np.uint8)).save(tmp_path / f"im{i}.png")

    def load(path):
        im = tf.image.decode_png(tf.read_file(path), channels=3)
        return tf.image.resize_images(im, [2, 2])

    files = tf.data.Dataset.list_files(str(tmp_path / "*.png"), shuffle=False)
    nxt = files.map(load, num_parallel_calls=2).batch(3).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        v = sess.run(nxt)
    assert v.shape == (3, 2, 2, 3)
    np.testing.assert_allclose(v[:, 0, 0, 0], [0, 40, 80])


def test_crops_pads_flips_rot90_transpose():
    x = np.arange(2 * 4 * 5 * 1, dtype=np.float32).reshape(2, 4, 5, 1)
    img = x[0]
    ops = {
        "crop": tf.image.crop_to_bounding_box(img, 1, 2, 2, 3),
        "pad": tf.image.pad_to_bounding_box(img, 1, 0, 6, 6),
        "cop": tf.image.resize_image_with_crop_or_pad(img, 2, 7),
        "central": tf.image.central_crop(img, 0.5),
        "lr": tf.image.flip_left_right(x),
        "ud": tf.image.flip_up_down(img),
        "rot": tf.image.rot90(img, 1),
        "rot3": tf.image.rot90(img, 3),
        "tr": tf.image.transpose_image(x),
    }
    with tf.Session() as sess:
        v = sess.run(ops)
    np.testing.assert_array_equal(v["crop"], img[1:3, 2:5])
    exp = np.zeros((6, 6, 1), np.float32)
    exp[1:5, 0:5] = img
    np.testing.assert_array_equal(v["pad"], exp)
    exp = np.zeros((2, 7, 1), np.float32)
    exp[:, 1:6] = img[1:3]
    np.testing.assert_array_equal(v["cop"], exp)
    np.testing.assert_array_equal(v["central"], img[1:3, 1:4])
    np.testing.assert_array_equal(v["lr"], x[:, :, ::-1])
    np.testing.assert_array_equal(v["ud"], img[::-1])
    np.testing.assert_array_equal(v["rot"][..., 0], np.rot90(img[..., 0], 1))
    np.testing.assert_array_equal(v["rot3"][..., 0], np.rot90(img[..., 0], 3))
    np.testing.assert_array_equal(v["tr"], x.transpose(0, 2, 1, 3))
    with pytest.raises(ValueError, match="width must be >= target \\+ offset"):
        tf.image.crop_to_bounding_box(img, 0, 3, 2, 3)
    with pytest.raises(ValueError, match="must have either 3 or 4 dimensions"):
        tf.image.flip_left_right(tf.constant([1.0, 2.0]))


def test_random_ops_with_seeds():
    x = np.arange(2 * 3 * 4 * 3, dtype=np.float32).reshape(2, 3, 4, 3) / 72.0
    tf.set_random_seed(5)
    outs = [tf.image.random_flip_left_right(x, seed=1), tf.image.random_crop(x[0], [2, 2, 3], seed=2),
            tf.image.random_brightness(x, 0.2, seed=3), tf.image.random_contrast(x, 0.5, 1.5, seed=4),
            tf.image.random_saturation(x, 0.5, 1.5, seed=6), tf.image.random_hue(x, 0.2, seed=7)]
    with tf.Session() as sess:
        a = sess.run(outs)
    with tf.Session() as sess:
        b = sess.run(outs)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)  # same seeds, same draws in a new session
    for i in range(2):
        assert np.array_equal(a[0][i], x[i]) or np.array_equal(a[0][i], x[i][:, ::-1])
    crop = a[1]
    assert crop.shape == (2, 2, 3)
    assert any(np.array_equal(crop, x[0][r:r + 2, c:c + 2]) for r in range(2) for c in range(3))
    d = a[2] - x
    np.testing.assert_allclose(d, d.flat[0], atol=1e-6)
    assert abs(d.flat[0]) <= 0.2
    with pytest.raises(ValueError, match="max_delta must be <= 0.5"):
        tf.image.random_hue(x, 0.7)


def test_color_conversions_and_standardization():
    rgb = np.random.default_rng(2).uniform(0, 1, (3, 4, 3)).astype(np.float32)
    hsv = tf.image.rgb_to_hsv(rgb)
    back = tf.image.hsv_to_rgb(hsv)
    gray = tf.image.rgb_to_grayscale(rgb)
    g3 = tf.image.grayscale_to_rgb(gray)
    std = tf.image.per_image_standardization(rgb)
    sat0 = tf.image.adjust_saturation(rgb, 0.0)
    with tf.Session() as sess:
        h, b, g, g3v, s, s0 = sess.run([hsv, back, gray, g3, std, sat0])
    import colorsys
    ref = np.array([colorsys.rgb_to_hsv(*p) for p in rgb.reshape(-1, 3)]).reshape(rgb.shape)
    np.testing.assert_allclose(h, ref, atol=1e-5)
    np.testing.assert_allclose(b, rgb, atol=1e-5)
    np.testing.assert_allclose(g[..., 0], rgb @ np.array([0.2989, 0.5870, 0.1140]), atol=1e-5)
    np.testing.assert_array_equal(g3v, np.repeat(g, 3, axis=-1))
    ref = (rgb - rgb.mean()) / max(rgb.std(), 1 / np.sqrt(rgb.size))
    np.testing.assert_allclose(s, ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(s0, np.repeat(rgb.max(-1, keepdims=True), 3, -1), atol=1e-5)


def test_convert_image_dtype():
    u8 = tf.constant(np.array([0, 128, 255], np.uint8))
    f = tf.image.convert_image_dtype(u8, tf.float32)
    back = tf.image.convert_image_dtype(tf.constant([0.0, 0.5, 1.0, 1.2]), tf.uint8, saturate=True)
    u16 = tf.image.convert_image_dtype(u8, tf.uint16)
    with tf.Session() as sess:
        fv, bv, uv = sess.run([f, back, u16])
    np.testing.assert_allclose(fv, [0, 128 / 255, 1.0], rtol=1e-6)
    np.testing.assert_array_equal(bv, [0, 127, 255, 255])  # 0.5 * 255.5 truncates to 127, as TF1
    np.testing.assert_array_equal(uv, np.array([0, 128, 255]) * 256)
