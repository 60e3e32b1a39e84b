"""CTC: tf.nn.ctc_loss (+ gradient), ctc_loss_v2, ctc_greedy_decoder,
ctc_beam_search_decoder(_v2), collapse_repeated, ctc_unique_labels, checked against brute-force
enumeration of every alignment path on tiny cases."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(11)


def _run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _labels_of(path, blank, merge):
    out, prev = [], None
    for p in path:
        if p != blank and not (merge and p == prev):
            out.append(p)
        prev = p
    return tuple(out)


def brute_prefix_probs(logits, blank, merge=True):
    """{label sequence: probability} by enumerating all C**T paths of [T, C] logits."""
    y = _softmax(logits.astype(np.float64))
    probs = {}
    for path in itertools.product(range(y.shape[1]), repeat=y.shape[0]):
        key = _labels_of(path, blank, merge)
        probs[key] = probs.get(key, 0.0) + np.prod([y[t, p] for t, p in enumerate(path)])
    return probs


def _sparse(labels):
    idx = [[b, j] for b, seq in enumerate(labels) for j in range(len(seq))]
    vals = [v for seq in labels for v in seq]
    return tf.SparseTensor(np.asarray(idx, np.int64).reshape(-1, 2), np.asarray(vals, np.int32),
                           [len(labels), max(len(s) for s in labels)])


@pytest.mark.parametrize("merge", [True, False])
def test_ctc_loss_matches_brute_force(merge):
    t, c = 4, 3
    logits = RNG.standard_normal((t, 4, c))
    labels = [[0, 0], [0, 1], [1], []]
    seq_len = [4, 4, 3, 2]
    loss = tf.nn.ctc_loss(_sparse(labels), tf.constant(logits.astype(np.float32)), seq_len,
                          ctc_merge_repeated=merge)
    assert loss.op.type == "CTCLoss" and loss.shape.as_list() == [4]
    got = _run(loss)
    assert got.dtype == np.float32
    for b, lab in enumerate(labels):
        p = brute_prefix_probs(logits[:seq_len[b], b], c - 1, merge).get(tuple(lab), 0.0)
        np.testing.assert_allclose(got[b], -np.log(p), rtol=1e-5)


def test_ctc_loss_gradient_matches_finite_differences_and_batch_major():
    t, c = 3, 3
    logits = RNG.standard_normal((2, t, c))  # batch major
    labels = [[1, 0], [1]]
    x = tf.constant(logits)
    loss = tf.nn.ctc_loss(_sparse(labels), x, [3, 2], time_major=False)
    w = np.array([0.7, -1.3])
    g = _run(tf.gradients(loss, x, grad_ys=w)[0])

    def f(lg):
        return sum(w[b] * -np.log(brute_prefix_probs(lg[b, :[3, 2][b]], c - 1)[tuple(lab)])
                   for b, lab in enumerate(labels))
    num = np.zeros_like(logits)
    for idx in itertools.product(*(range(v) for v in logits.shape)):
        e = np.zeros_like(logits)
        e[idx] = 1e-6
        num[idx] = (f(logits + e) - f(logits - e)) / 2e-6
    np.testing.assert_allclose(g, num, atol=1e-6)
    assert np.all(g[1, 2] == 0)  # frames past sequence_length get no gradient
    with pytest.raises(LookupError, match="PreventGradient"):
        tf.gradients(tf.gradients(tf.reduce_sum(loss), x)[0], x)


def test_ctc_loss_options_and_errors():
    logits = tf.constant(RNG.standard_normal((2, 2, 3)).astype(np.float32))
    too_long = _sparse([[0, 1, 0], [1]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Not enough time"):
        _run(tf.nn.ctc_loss(too_long, logits, [2, 2]))
    loss = tf.nn.ctc_loss(too_long, logits, [2, 2], ignore_longer_outputs_than_inputs=True)
    g = tf.gradients(loss, logits)[0]
    vl, vg = _run([loss, g])
    assert vl[0] == 0 and np.all(vg[:, 0] == 0) and vl[1] > 0
    collapsed = tf.nn.ctc_loss(_sparse([[0, 0], [1]]), logits, [2, 2],
                               preprocess_collapse_repeated=True)
    plain = tf.nn.ctc_loss(_sparse([[0], [1]]), logits, [2, 2])
    np.testing.assert_allclose(*_run([collapsed, plain]))
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.ctc_loss([[0]], logits, [2, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="sequence_length"):
        _run(tf.nn.ctc_loss(_sparse([[0], [1]]), logits, [3, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="range"):
        _run(tf.nn.ctc_loss(_sparse([[0], [5]]), logits, [2, 2]))


def test_ctc_loss_v2_blank_index_and_dense_labels():
    t, c = 3, 4
    logits = RNG.standard_normal((t, 2, c))
    x = tf.constant(logits)
    # blank 0: labels are classes 1..3
    dense = tf.nn.ctc_loss_v2(tf.constant([[1, 3], [2, 0]]), x, [2, 1], [3, 3])
    sparse = tf.nn.ctc_loss_v2(_sparse([[1, 3], [2]]), x, None, [3, 3], blank_index=0)
    last = tf.nn.ctc_loss_v2(_sparse([[1, 2], [0]]), x, None, [3, 3], blank_index=-1)
    vd, vs, vl = _run([dense, sparse, last])
    want0 = [-np.log(brute_prefix_probs(logits[:, b], 0)[lab]) for b, lab in
             enumerate([(1, 3), (2,)])]
    want_last = [-np.log(brute_prefix_probs(logits[:, b], c - 1)[lab]) for b, lab in
                 enumerate([(1, 2), (0,)])]
    np.testing.assert_allclose(vd, want0, rtol=1e-10)
    np.testing.assert_allclose(vs, want0, rtol=1e-10)
    np.testing.assert_allclose(vl, want_last, rtol=1e-10)
    with pytest.raises(ValueError, match="blank_index"):
        tf.nn.ctc_loss_v2(_sparse([[1]]), x, None, [3, 3])


def test_ctc_greedy_decoder():
    logits = np.array([[[0.1, 0.9, 0.0]], [[0.0, 1.0, 0.2]], [[2.0, 0.0, 3.0]],
                       [[0.0, 0.5, 0.1]], [[1.0, 0.0, 0.0]]])  # argmax 1 1 blank 1 0
    (dec,), neg = tf.nn.ctc_greedy_decoder(logits, [5])
    (dec_nm,), _ = tf.nn.ctc_greedy_decoder(logits, [5], merge_repeated=False)
    (dec_short,), neg_short = tf.nn.ctc_greedy_decoder(logits, [2])
    (dec_b0,), _ = tf.nn.ctc_greedy_decoder(logits, [5], blank_index=0)
    assert isinstance(dec, tf.SparseTensor) and dec.values.dtype == tf.int64
    r = _run([dec, neg, dec_nm, dec_short, neg_short, dec_b0])
    assert list(r[0].values) == [1, 1, 0] and list(r[0].dense_shape) == [1, 3]
    np.testing.assert_array_equal(r[0].indices, [[0, 0], [0, 1], [0, 2]])
    np.testing.assert_allclose(r[1], [[-(0.9 + 1.0 + 3.0 + 0.5 + 1.0)]])
    assert list(r[2].values) == [1, 1, 1, 0]
    assert list(r[3].values) == [1] and np.allclose(r[4], [[-1.9]])
    assert list(r[5].values) == [1, 2, 1]  # blank 0: class 2 is a label, class 0 the blank


@pytest.mark.parametrize("merge", [True, False])
def test_ctc_beam_search_matches_brute_force(merge):
    t, c = 4, 3
    logits = RNG.standard_normal((t, 2, c)) * 2
    decoded, logp = tf.nn.ctc_beam_search_decoder(logits, [4, 3], beam_width=50, top_paths=3,
                                                  merge_repeated=merge)
    assert len(decoded) == 3 and logp.shape.as_list() == [2, 3]
    vals = _run(decoded + [logp])
    for b, n in enumerate([4, 3]):
        probs = sorted(brute_prefix_probs(logits[:n, b], c - 1).items(), key=lambda kv: -kv[1])
        np.testing.assert_allclose(vals[-1][b], np.log([p for _, p in probs[:3]]), rtol=1e-6)
        for k in range(3):
            sp = vals[k]
            got = [int(v) for (bb, _), v in zip(sp.indices, sp.values) if bb == b]
            want = list(probs[k][0])
            if merge:
                want = [s for j, s in enumerate(want) if not (j and s == want[j - 1])]
            assert got == want


def test_ctc_beam_search_v2_keeps_repeats():
    x = np.log(np.array([[[.1, .8, .1]], [[.1, .1, .8]], [[.1, .8, .1]], [[.1, .1, .8]]]))
    d2, lp2 = tf.nn.ctc_beam_search_decoder_v2(x, [4], beam_width=10, top_paths=2)
    d1, lp1 = tf.nn.ctc_beam_search_decoder(x, [4], beam_width=10, top_paths=2)
    r = _run([d2, lp2, d1, lp1])
    assert [list(s.values) for s in r[0]] == [[1, 1], [1]]
    assert [list(s.values) for s in r[2]] == [[1], [1]]  # TF1 merges the beam's "1 1"
    probs = brute_prefix_probs(x[:, 0], 2)
    np.testing.assert_allclose(r[1][0], np.log([probs[(1, 1)], probs[(1,)]]), rtol=1e-6)
    with pytest.raises(ValueError, match="top_paths"):
        tf.nn.ctc_beam_search_decoder(x, [4], beam_width=2, top_paths=3)


def test_collapse_repeated_and_unique_labels():
    labels = tf.constant([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]])
    out, n = tf.nn.collapse_repeated(labels, tf.constant([5, 3]))
    vo, vn = _run([out, n])
    np.testing.assert_array_equal(vo, [[1, 2, 3], [4, 0, 0]])
    np.testing.assert_array_equal(vn, [3, 1])
    u, idx = tf.nn.ctc_unique_labels(tf.constant([[3, 1, 3, 2], [2, 2, 2, 2]]))
    assert u.dtype == tf.int64 and idx.dtype == tf.int32
    vu, vi = _run([u, idx])
    np.testing.assert_array_equal(vu, [[3, 1, 2, 0], [2, 0, 0, 0]])
    np.testing.assert_array_equal(vi, [[0, 1, 0, 2], [0, 0, 0, 0]])
