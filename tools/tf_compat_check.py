"""TensorFlow reads what tfgraph writes: the two halves of the TF-side compatibility check.

    python tools/tf_compat_check.py write OUTDIR     # with tfgraph (this repository)
    TF_PYTHON tools/tf_compat_check.py read OUTDIR  # with real TensorFlow (tensorflow-cpu)

`write` builds small models with tfgraph (an MLP trained a few Adam steps, a small CNN, string
and int64 variables) and writes a checkpoint with its `.meta`, a text and a frozen binary
GraphDef, a SavedModel, TFRecord files of `tf.train.Example`s (plain, GZIP), a
control-flow graph (while loop with a cond, scan, their gradients: stacks), a GraphDef of
the array-manipulation/space-batch/bytes ops (hashes and TensorProtos byte for byte), plus
`expected.npz` (inputs, outputs and variable values tfgraph
computed). `read` loads each file with TensorFlow's own APIs (`NewCheckpointReader`,
`import_meta_graph` + `restore`, `import_graph_def`, `saved_model.loader.load`,
`tf_record_iterator` + `parse_example`), runs the
graphs on the same inputs and compares (rtol 1e-5); it also runs one training step of the
imported meta graph. It prints one JSON line per check and exits 1 if any failed.
`tools/tf_compat_check.sh` makes the TensorFlow virtual environment and runs both halves.
"""
import json
import os
import sys

import numpy as np

RTOL, ATOL = 1e-5, 1e-6


def write(out):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import tfgraph as tf
    os.makedirs(os.path.join(out, "ckpt"), exist_ok=True)
    rng = np.random.RandomState(0)
    x_mlp = rng.randn(6, 4).astype(np.float32)
    y_mlp = np.array([0, 1, 2, 1, 0, 2], np.int64)
    x_cnn = rng.rand(2, 8, 8, 1).astype(np.float32)
    expected = {"x_mlp": x_mlp, "y_mlp": y_mlp, "x_cnn": x_cnn}

    # 1. An MLP trained with Adam: checkpoint + meta graph, frozen and text GraphDefs.
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        y = tf.placeholder(tf.int64, [None], name="y")
        h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
        logits = tf.layers.dense(h, 3, name="logits")
        probs = tf.nn.softmax(logits, name="probs")
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        step = tf.train.get_or_create_global_step()
        train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=step, name="train")
        tf.Variable([b"ab", b"c"], name="words", trainable=False)
        tf.Variable(np.int64(2) ** 40, name="big", trainable=False)
        tf.report_uninitialized_variables(name="uninitialized")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {x: x_mlp, y: y_mlp})
            saver.save(sess, os.path.join(out, "ckpt", "model.ckpt"), global_step=step)
            expected["probs"] = sess.run(probs, {x: x_mlp})
            for v in tf.global_variables():
                expected["var/" + v.op.name] = sess.run(v)
            frozen = tf.graph_util.convert_variables_to_constants(
                sess, g.as_graph_def(), ["probs"])
            tf.train.write_graph(frozen, out, "mlp_frozen.pb", as_text=False)
            tf.train.write_graph(g, out, "mlp_graph.pbtxt", as_text=True)
            # 2. The same model as a SavedModel (signature "serving_default").
            tf.saved_model.simple_save(sess, os.path.join(out, "saved_model"),
                                       inputs={"x": x}, outputs={"probs": probs})

    # 3. A small CNN, frozen (Conv2D, MaxPool, BiasAdd, Reshape, MatMul, Softmax).
    with tf.Graph().as_default() as g2:
        xi = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
        c = tf.layers.conv2d(xi, 3, 3, padding="same", activation=tf.nn.relu, name="conv")
        p = tf.layers.max_pooling2d(c, 2, 2, name="pool")
        f = tf.reshape(p, [-1, 4 * 4 * 3], name="flat")
        out_t = tf.nn.softmax(tf.layers.dense(f, 5, name="dense"), name="cnn_probs")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            expected["cnn_probs"] = sess.run(out_t, {xi: x_cnn})
            frozen = tf.graph_util.convert_variables_to_constants(
                sess, g2.as_graph_def(), ["cnn_probs"])
            tf.train.write_graph(frozen, out, "cnn_frozen.pb", as_text=False)
    # 4. TFRecord files of tf.train.Example (plain and GZIP), written by tfgraph.
    recs_rng = np.random.RandomState(1)
    images = recs_rng.randint(0, 256, (5, 6), dtype=np.uint8)
    weights = recs_rng.rand(5, 2).astype(np.float32)
    for fname, options in (("examples.tfrecord", None), ("examples.tfrecord.gz", "GZIP")):
        with tf.io.TFRecordWriter(os.path.join(out, fname), options) as w:
            for i in range(5):
                feature = {
                    "image_raw": tf.train.Feature(bytes_list=tf.train.BytesList(value=[images[i].tobytes()])),
                    "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i * 10**10])),
                    "weights": tf.train.Feature(float_list=tf.train.FloatList(value=weights[i]))}
                w.write(tf.train.Example(features=tf.train.Features(feature=feature))
                        .SerializeToString())
    expected.update({"rec_images": images, "rec_weights": weights})
    # 5. Control flow (TF1's Switch/Merge/Enter/Exit/... and stacks): a while loop with a cond
    #    in its body, a scan over a TensorArray, and the gradients of both.
    with tf.Graph().as_default() as g3:
        cx = tf.placeholder(tf.float32, [3], name="cf_x")
        cw = tf.placeholder(tf.float32, [3], name="cf_w")

        def body(i, v):
            return i + 1, tf.cond(tf.reduce_sum(v) > 0, lambda: v * cw + tf.sin(v),
                                  lambda: tf.cos(v) * v)
        _, cy = tf.while_loop(lambda i, v: i < 4, body, [0, cx])
        cs = tf.scan(lambda a, r: a * r + r, tf.reshape(cx, [3, 1]))
        cg = tf.gradients(tf.reduce_sum(cy * cy) + tf.reduce_sum(cs * cs), [cx, cw])
        cf_out = [tf.identity(t, name=n) for t, n in
                  ((cy, "cf_y"), (cs, "cf_scan"), (cg[0], "cf_dx"), (cg[1], "cf_dw"))]
        cf_feed = {cx: np.array([0.3, -0.5, 0.8], np.float32),
                   cw: np.array([0.9, 1.1, -0.7], np.float32)}
        with tf.Session() as sess:
            for t, v in zip(cf_out, sess.run(cf_out, cf_feed)):
                expected[t.op.name] = v
        expected.update({"cf_x": cf_feed[cx], "cf_w": cf_feed[cw]})
        tf.train.write_graph(g3.as_graph_def(), out, "control_flow.pb", as_text=False)
    _write_array_ops(tf, out, expected)  # 8. array manipulation, space/batch, bytes ops
    np.savez(os.path.join(out, "expected.npz"), **expected)
    print(json.dumps({"written": sorted(os.listdir(out))}))


def read(out):
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    exp = np.load(os.path.join(out, "expected.npz"), allow_pickle=True)
    results = []

    def check(name, fn):
        try:
            detail = fn()
            results.append({"check": name, "ok": True, "detail": detail})
        except Exception as e:  # noqa: BLE001 - every failure is reported, then exit 1
            results.append({"check": name, "ok": False, "error": f"{type(e).__name__}: {e}"})
        print(json.dumps(results[-1]), flush=True)

    ckpt = tf.train.latest_checkpoint(os.path.join(out, "ckpt"))

    def checkpoint_reader():
        r = tf.train.NewCheckpointReader(ckpt)
        names = sorted(k[4:] for k in exp.files if k.startswith("var/"))
        assert sorted(r.get_variable_to_shape_map()) == names, r.get_variable_to_shape_map()
        for n in names:
            got, want = r.get_tensor(n), exp["var/" + n]
            if want.dtype == object:
                assert list(got) == list(want), (n, got)
            else:
                assert got.dtype == want.dtype, (n, got.dtype, want.dtype)
                np.testing.assert_array_equal(got, want, err_msg=n)
        return f"{len(names)} tensors equal"

    def meta_graph_restore():
        with tf.Graph().as_default():
            saver = tf.train.import_meta_graph(ckpt + ".meta")
            with tf.Session() as sess:
                before = sess.run("uninitialized:0")
                saver.restore(sess, ckpt)
                assert len(before) == len(tf.global_variables()), before
                assert len(sess.run("uninitialized:0")) == 0
                got = sess.run("probs:0", {"x:0": exp["x_mlp"]})
                np.testing.assert_allclose(got, exp["probs"], rtol=RTOL, atol=ATOL)
                sess.run("train", {"x:0": exp["x_mlp"], "y:0": exp["y_mlp"]})
                step = sess.run("global_step:0")
                assert step == exp["var/global_step"] + 1, step
                n_vars = len(tf.global_variables())
        return (f"outputs equal; a training step ran; {n_vars} variables; "
                f"report_uninitialized_variables ran")

    def frozen(name, fetch, feed, want):
        def run():
            gd = tf.GraphDef()
            with open(os.path.join(out, name), "rb") as f:
                gd.ParseFromString(f.read())
            with tf.Graph().as_default():
                tf.import_graph_def(gd, name="")
                with tf.Session() as sess:
                    got = sess.run(fetch, {feed: exp[want[0]]})
            np.testing.assert_allclose(got, exp[want[1]], rtol=RTOL, atol=ATOL)
            return f"{len(gd.node)} nodes; outputs equal"
        return run

    def text_graph():
        from google.protobuf import text_format
        gd = tf.GraphDef()
        with open(os.path.join(out, "mlp_graph.pbtxt")) as f:
            text_format.Parse(f.read(), gd)
        with tf.Graph().as_default():
            tf.import_graph_def(gd, name="")
        return f"{len(gd.node)} nodes imported"

    def saved_model():
        with tf.Graph().as_default():
            with tf.Session() as sess:
                mg = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING],
                                                os.path.join(out, "saved_model"))
                sig = mg.signature_def["serving_default"]
                got = sess.run(sig.outputs["probs"].name, {sig.inputs["x"].name: exp["x_mlp"]})
        np.testing.assert_allclose(got, exp["probs"], rtol=RTOL, atol=ATOL)
        return "signature serving_default gives tfgraph's outputs"

    def tfrecords():
        feats = {"image_raw": tf.FixedLenFeature([], tf.string),
                 "label": tf.FixedLenFeature([], tf.int64),
                 "weights": tf.FixedLenFeature([2], tf.float32)}
        for fname, options in (("examples.tfrecord", None), ("examples.tfrecord.gz", "GZIP")):
            recs = list(tf.io.tf_record_iterator(os.path.join(out, fname), options))
            with tf.Graph().as_default(), tf.Session() as sess:
                p = sess.run(tf.parse_example(recs, feats))
            got = np.stack([np.frombuffer(b, np.uint8) for b in p["image_raw"]])
            np.testing.assert_array_equal(got, exp["rec_images"])
            np.testing.assert_array_equal(p["label"], np.arange(5, dtype=np.int64) * 10**10)
            np.testing.assert_array_equal(p["weights"], exp["rec_weights"])
        return "plain and GZIP: 5 records each, CRCs accepted, features equal"

    def control_flow():
        gd = tf.GraphDef()
        with open(os.path.join(out, "control_flow.pb"), "rb") as f:
            gd.ParseFromString(f.read())
        names = ["cf_y", "cf_scan", "cf_dx", "cf_dw"]
        with tf.Graph().as_default():
            tf.import_graph_def(gd, name="")
            with tf.Session() as sess:
                got = sess.run([n + ":0" for n in names],
                               {"cf_x:0": exp["cf_x"], "cf_w:0": exp["cf_w"]})
        for n, v in zip(names, got):
            np.testing.assert_allclose(v, exp[n], rtol=RTOL, atol=ATOL, err_msg=n)
        return f"{len(gd.node)} nodes; loop, cond, scan and their gradients equal"

    check("checkpoint_reader", checkpoint_reader)
    check("import_meta_graph_restore_train", meta_graph_restore)
    check("frozen_mlp", frozen("mlp_frozen.pb", "probs:0", "x:0", ("x_mlp", "probs")))
    check("frozen_cnn", frozen("cnn_frozen.pb", "cnn_probs:0", "images:0",
                               ("x_cnn", "cnn_probs")))
    check("text_graph", text_graph)
    check("saved_model", saved_model)
    check("tfrecord_examples", tfrecords)
    check("control_flow_graph", control_flow)
    check("array_bytes_ops_graph", lambda: _read_array_ops(tf, out, exp))
    failed = [r["check"] for r in results if not r["ok"]]
    print(json.dumps({"tensorflow": tf.__version__, "checks": len(results), "failed": failed}))
    # The plain closing line CI log readers understand.
    print(f"tf_compat_check: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0



def _array_ops(tf, x):
    """The manipulation, space/batch, bitwise and bytes ops, one output each."""
    i = tf.cast(x, tf.int32)
    s2b = tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])
    return [tf.roll(x, 1, 2), tf.sort(x), tf.argsort(x, axis=1, direction="DESCENDING"),
            tf.reverse_sequence(x, [1, 3], seq_axis=1), tf.space_to_depth(x, 2),
            tf.depth_to_space(tf.space_to_depth(x, 2), 2), s2b,
            tf.batch_to_space_nd(s2b, [2, 2], [[0, 0], [0, 0]]),
            tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME"),
            tf.extract_volume_patches(tf.expand_dims(x, 1), [1, 1, 2, 2, 1], [1, 1, 1, 1, 1],
                                      "VALID"),
            tf.ensure_shape(x, [2, None, 4, 3]), tf.tensor_scatter_nd_max(x, [[0]], x[:1]),
            tf.dynamic_partition(x, [0, 1], 2)[1], tf.histogram_fixed_width(x, [-1.0, 1.0], 5),
            tf.truncatediv(i, 3), tf.truncatemod(x, 3.0), tf.bitwise.left_shift(i, 2),
            tf.bitwise.right_shift(i, 1), tf.bitwise.invert(i),
            tf.unique_with_counts(tf.reshape(i, [-1]))[2], tf.setdiff1d([1, 2, 3], [2])[0],
            tf.unravel_index([3, 5], [2, 3]),
            tf.searchsorted(tf.sort(tf.reshape(x, [12, 8])), tf.reshape(x, [12, 8])),
            tf.broadcast_dynamic_shape(tf.shape(x), [5, 1, 1, 1, 1]),
            tf.encode_base64(["a?"]), tf.decode_base64(["YT8"]),
            tf.string_to_hash_bucket(["a", "bc"], 1000),
            tf.string_to_hash_bucket_strong(["a", "bc"], 1000, [1, 2]),
            tf.string_to_hash_bucket_fast(["a", "bc"], 1000), tf.fingerprint(["a", "bc"]),
            tf.serialize_tensor(x), tf.parse_tensor(tf.serialize_tensor(x), tf.float32),
            tf.decode_json_example(['{"features": {}}'])]


def _write_array_ops(tf, out, expected):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 4, 4, 3], name="x")
        outs = _array_ops(tf, x)
        v = (np.random.RandomState(1).randn(2, 4, 4, 3) * 3).astype(np.float32)
        with tf.Session() as sess:
            vals = sess.run(outs, {x: v})
    expected["arr/x"] = v
    expected["arr/names"] = np.array([t.name for t in outs])
    for k, val in enumerate(vals):
        expected[f"arr/{k}"] = np.asarray(val)
    tf.train.write_graph(g.as_graph_def(), out, "array_ops.pb", as_text=False)


def _read_array_ops(tf, out, exp):
    """TF runs tfgraph's GraphDef of the array/bytes ops and gets tfgraph's values (hashes,
    fingerprints and serialized TensorProtos byte for byte)."""
    gd = tf.GraphDef()
    with open(os.path.join(out, "array_ops.pb"), "rb") as f:
        gd.ParseFromString(f.read())
    names = [str(n) for n in exp["arr/names"]]
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as sess:
            got = sess.run(names, {"x:0": exp["arr/x"]})
    for k, (n, v) in enumerate(zip(names, got)):
        want = exp[f"arr/{k}"]
        v = np.asarray(v)
        assert v.shape == want.shape, (n, v.shape, want.shape)
        if want.dtype.kind in "fc":
            np.testing.assert_allclose(v, want, rtol=RTOL, atol=ATOL, err_msg=n)
        else:
            assert v.tolist() == want.tolist(), (n, v, want)
    return f"{len(names)} outputs of {len(gd.node)} nodes equal"



if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "read"):
        sys.exit(__doc__)
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(read(sys.argv[2]))
