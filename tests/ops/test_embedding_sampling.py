"""Candidate samplers, compute_accidental_hits, nce_loss, sampled_softmax_loss and
embedding_lookup_sparse against NumPy references (given the same sampled candidates)."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(0)
W = RNG.standard_normal((10, 4)).astype(np.float32)
B = RNG.standard_normal(10).astype(np.float32)
X = RNG.standard_normal((3, 4)).astype(np.float32)
LABELS = np.array([[1, 2], [5, 9], [7, 0]])
SAMPLED = np.array([2, 5, 9, 3])
TEC = RNG.uniform(0.1, 1, (3, 2)).astype(np.float32)
SEC = RNG.uniform(0.1, 1, 4).astype(np.float32)


def _sampled_values():
    return (tf.constant(SAMPLED, tf.int64), tf.constant(TEC), tf.constant(SEC))


def _np_logits(remove_hits):
    true = np.einsum("bd,btd->bt", X, W[LABELS]) + B[LABELS] - np.log(TEC)
    sampled = X @ W[SAMPLED].T + B[SAMPLED] - np.log(SEC)
    if remove_hits:
        for i, row in enumerate(LABELS):
            for j, c in enumerate(SAMPLED):
                if c in row:
                    sampled[i, j] += -np.finfo(np.float32).max
    return true, sampled


def _sce(z, y):
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


@pytest.mark.parametrize("remove_hits", [False, True])
def test_nce_loss_matches_numpy(run, remove_hits):
    loss = tf.nn.nce_loss(tf.constant(W), tf.constant(B), LABELS, X, num_sampled=4,
                          num_classes=10, num_true=2, sampled_values=_sampled_values(),
                          remove_accidental_hits=remove_hits)
    assert loss.shape.as_list() == [3]
    # TF1 builds the logits in "nce_loss/" and the loss itself outside that scope
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "nce_loss/embedding_lookup" in names and "sampled_losses" in names
    true, sampled = _np_logits(remove_hits)
    want = _sce(true, 0.5).sum(1) + _sce(sampled, 0.0).sum(1)
    np.testing.assert_allclose(run(loss), want, rtol=1e-5)


@pytest.mark.parametrize("remove_hits", [True, False])
def test_sampled_softmax_loss_matches_numpy(run, remove_hits):
    loss = tf.nn.sampled_softmax_loss(tf.constant(W), tf.constant(B), LABELS, X, num_sampled=4,
                                      num_classes=10, num_true=2,
                                      sampled_values=_sampled_values(),
                                      remove_accidental_hits=remove_hits)
    true, sampled = _np_logits(remove_hits)
    logits = np.concatenate([true, sampled], 1).astype(np.float64)
    labels = np.concatenate([np.full_like(true, 0.5), np.zeros_like(sampled)], 1)
    m = logits.max(1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(1)) + m[:, 0]
    want = -(labels * (logits - lse[:, None])).sum(1)
    np.testing.assert_allclose(run(loss), want, rtol=1e-5)


def test_sampled_losses_have_sparse_gradients_and_train_only_used_rows():
    w = tf.Variable(W, name="softmax_w")
    b = tf.Variable(B, name="softmax_b")
    loss = tf.reduce_mean(tf.nn.sampled_softmax_loss(w, b, LABELS[:, :1], X, 4, 10,
                                                     sampled_values=_sampled_values()))
    gw, gb = tf.gradients(loss, [w, b])
    assert isinstance(gw, tf.IndexedSlices) and isinstance(gb, tf.IndexedSlices)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss)
        for _ in range(5):
            sess.run(train)
        after, wv = sess.run([loss, w])
    assert after < before
    unused = sorted(set(range(10)) - set(LABELS[:, 0]) - set(SAMPLED))
    np.testing.assert_array_equal(wv[unused], W[unused])


def test_nce_loss_gradient_finite_differences():
    with tf.Session():
        w = tf.constant(W)
        x = tf.constant(X)
        loss = tf.nn.nce_loss(w, tf.constant(B), LABELS, x, 4, 10, num_true=2,
                              sampled_values=_sampled_values())
        err = tf.test.compute_gradient_error([w, x], [[10, 4], [3, 4]], loss, [3],
                                             x_init_value=[W.astype(np.float64),
                                                           X.astype(np.float64)])
    assert err < 2e-2


def test_default_sampler_is_log_uniform_unique(run):
    loss = tf.nn.sampled_softmax_loss(tf.constant(W), tf.constant(B), LABELS[:, :1], X, 5, 10,
                                      seed=3)
    types = [op.type for op in tf.get_default_graph().get_operations()]
    assert "LogUniformCandidateSampler" in types and "ComputeAccidentalHits" in types
    sampler = next(op for op in tf.get_default_graph().get_operations()
                   if op.type == "LogUniformCandidateSampler")
    assert sampler.attrs["unique"] is True and sampler.attrs["range_max"] == 10
    assert np.isfinite(run(loss)).all()


# --- candidate samplers -------------------------------------------------------------------------
TRUE = np.array([[1], [5], [7]])


def test_uniform_sampler_unique_and_expected_counts(run):
    out = tf.nn.uniform_candidate_sampler(TRUE, 1, 6, True, 8, seed=2)
    assert out.sampled_candidates.dtype == tf.int64
    assert out.sampled_candidates.shape.as_list() == [6]
    assert out.true_expected_count.shape.as_list() == [3, 1]
    assert out.sampled_candidates.op.type == "UniformCandidateSampler"
    s, tec, sec = run(out)
    assert len(set(s.tolist())) == 6 and ((s >= 0) & (s < 8)).all()
    # one value for every class: p * 6 if 6 draws sufficed, else 1 - (1 - p)^tries
    assert np.allclose(tec, tec[0, 0]) and np.allclose(sec, tec[0, 0])
    allowed = [0.75] + [1 - (7 / 8) ** t for t in range(7, 200)]
    assert np.isclose(allowed, tec[0, 0], rtol=1e-5).any()
    s2, tec2, sec2 = run(tf.random.uniform_candidate_sampler(TRUE, 1, 4, False, 8, seed=2))
    np.testing.assert_allclose(tec2, 0.5)  # p * num_sampled without unique
    np.testing.assert_allclose(sec2, 0.5)


def test_log_uniform_sampler_distribution_and_probabilities(run):
    n = 4000
    out = tf.nn.log_uniform_candidate_sampler(TRUE, 1, n, False, 10, seed=4)
    s, tec, sec = run(out)
    p = np.log((np.arange(10) + 2.0) / (np.arange(10) + 1.0)) / np.log(11.0)
    np.testing.assert_allclose(sec, p[s] * n, rtol=1e-5)
    np.testing.assert_allclose(tec[:, 0], p[TRUE[:, 0]] * n, rtol=1e-5)
    freq = np.bincount(s, minlength=10) / n
    np.testing.assert_allclose(freq, p, atol=0.03)


def test_fixed_unigram_sampler_unigrams_and_vocab_file(tmp_path, run):
    unigrams = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    n = 3000
    out = tf.nn.fixed_unigram_candidate_sampler(TRUE, 1, n, False, 10, unigrams=unigrams,
                                                distortion=0.5, seed=1)
    s, tec, sec = run(out)
    w = np.sqrt(np.arange(10.0))
    p = w / w.sum()
    np.testing.assert_allclose(sec, p[s] * n, rtol=1e-5)
    assert (s != 0).all()  # weight 0 is never drawn
    np.testing.assert_allclose(np.bincount(s, minlength=10) / n, p, atol=0.03)
    vocab = tmp_path / "vocab.csv"
    vocab.write_text("".join(f"w{i},{c}\n" for i, c in enumerate([5, 0, 5])))
    s2, _, sec2 = run(tf.random.fixed_unigram_candidate_sampler(
        [[0]], 1, 50, False, 4, vocab_file=str(vocab), num_reserved_ids=1, seed=1))
    assert set(s2.tolist()) <= {1, 3}
    np.testing.assert_allclose(sec2, 25.0)
    with pytest.raises(ValueError, match="either vocab_file or unigrams"):
        tf.nn.fixed_unigram_candidate_sampler(TRUE, 1, 2, False, 10)
    with pytest.raises(ValueError, match="range is 10 must be equal to weights size 3"):
        tf.nn.fixed_unigram_candidate_sampler(TRUE, 1, 2, False, 10, unigrams=[1, 2, 3])


def test_learned_unigram_sampler_learns_from_true_classes():
    out = tf.nn.learned_unigram_candidate_sampler(np.array([[3]] * 50), 1, 100, False, 5,
                                                  seed=7)
    with tf.Session() as sess:
        _, tec0, sec0 = sess.run(out)
        np.testing.assert_allclose(tec0, 100 * 1 / 5)  # all weights 1 before the first update
        s1, tec1, _ = sess.run(out)
    np.testing.assert_allclose(tec1, 100 * 51 / 55, rtol=1e-5)  # class 3 seen 50 times
    assert (s1 == 3).mean() > 0.8
    with tf.Session() as sess:  # a new session starts over
        np.testing.assert_allclose(sess.run(out.true_expected_count), 20.0)


def test_all_candidate_sampler_and_seeds(run):
    s, tec, sec = run(tf.nn.all_candidate_sampler(TRUE, 1, 5, True))
    np.testing.assert_array_equal(s, np.arange(5))
    np.testing.assert_array_equal(tec, 1.0)
    np.testing.assert_array_equal(sec, 1.0)
    tf.set_random_seed(11)
    a = tf.nn.uniform_candidate_sampler(TRUE, 1, 5, True, 100)
    first = run(a.sampled_candidates)
    assert not np.array_equal(first, run(a.sampled_candidates, times=2)[1])
    np.testing.assert_array_equal(first, run(a.sampled_candidates))


def test_sampler_errors():
    with pytest.raises(ValueError, match="too small"):
        tf.nn.uniform_candidate_sampler(TRUE, 1, 9, True, 8)
    with pytest.raises(ValueError, match="num_true=2"):
        tf.nn.log_uniform_candidate_sampler(TRUE, 2, 3, True, 8)
    ph = tf.placeholder(tf.int64, [None, 1])
    out = tf.nn.uniform_candidate_sampler(ph, 1, 2, True, 8)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
            sess.run(out, {ph: [[9]]})


def test_compute_accidental_hits(run):
    true = np.array([[1, 4], [2, 3], [7, 8]])
    sampled = np.array([4, 2, 9, 2, 7])
    idx, ids, w = run(tf.nn.compute_accidental_hits(true, sampled, num_true=2))
    # row 0: class 4 at position 0; row 1: class 2 at its last position 3; row 2: 7 at 4
    np.testing.assert_array_equal(idx, [0, 1, 2])
    np.testing.assert_array_equal(ids, [0, 3, 4])
    np.testing.assert_array_equal(w, -np.finfo(np.float32).max)
    assert idx.dtype == np.int32 and ids.dtype == np.int64 and w.dtype == np.float32


# --- embedding_lookup_sparse ---------------------------------------------------------------------
EMB = RNG.standard_normal((6, 3)).astype(np.float32)
SP_IND = np.array([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]], np.int64)
SP_IDS = np.array([1, 3, 2, 1, 1, 5], np.int64)
SP_W = np.array([0.5, 2.0, 1.0, 1.0, 3.0, -1.0], np.float32)


def _np_combine(ids, w, combiner):
    """One row of an embedding_lookup_sparse: the weighted rows of EMB, combined."""
    s = (EMB[ids] * w[:, None]).sum(0)
    if combiner == "mean":
        return s / w.sum()
    if combiner == "sqrtn":
        return s / np.sqrt((w ** 2).sum())
    return s


def _np_lookup_sparse(combiner, weights):
    out = np.zeros((3, 3), np.float64)
    for r in range(3):
        sel = SP_IND[:, 0] == r
        w = weights[sel] if weights is not None else np.ones(sel.sum())
        out[r] = _np_combine(SP_IDS[sel], w, combiner)
    return out


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
def test_embedding_lookup_sparse_combiners(run, combiner, weighted):
    ids = tf.SparseTensor(SP_IND, SP_IDS, [3, 3])
    wts = tf.SparseTensor(SP_IND, SP_W, [3, 3]) if weighted else None
    emb = tf.Variable(EMB)
    out = tf.nn.embedding_lookup_sparse(emb, ids, wts, combiner=combiner)
    g = tf.gradients(tf.reduce_sum(out), emb)[0]
    assert isinstance(g, tf.IndexedSlices)
    with tf.Session() as sess:
        sess.run(emb.initializer)
        got = sess.run(out)
    np.testing.assert_allclose(got, _np_lookup_sparse(combiner, SP_W if weighted else None),
                               rtol=1e-5)


def test_embedding_lookup_sparse_errors_and_default_combiner(run, caplog):
    ids = tf.SparseTensor(SP_IND, SP_IDS, [3, 3])
    with pytest.raises(ValueError, match="combiner must be one of"):
        tf.nn.embedding_lookup_sparse(EMB, ids, None, combiner="max")
    with pytest.raises(TypeError, match="sp_ids must be SparseTensor"):
        tf.nn.embedding_lookup_sparse(EMB, SP_IDS, None)
    with pytest.raises(TypeError, match="sp_weights must be either None or SparseTensor"):
        tf.nn.embedding_lookup_sparse(EMB, ids, SP_W)
    out = tf.nn.embedding_lookup_sparse([EMB], ids, None)
    assert "combiner will change" in caplog.text
    np.testing.assert_allclose(run(out), _np_lookup_sparse("mean", None), rtol=1e-5)


# --- safe_embedding_lookup_sparse ---------------------------------------------------------------
SAFE_IND = np.array([[0, 0], [0, 1], [1, 0], [3, 0], [3, 1]], np.int64)  # row 2 empty
SAFE_IDS = np.array([1, -1, 4, 2, 5], np.int64)                       # one invalid id
SAFE_W = np.array([2.0, 1.0, -1.0, 1.0, 3.0], np.float32)             # one non-positive weight


def _np_safe(combiner, weights, default_id):
    out = np.zeros((4, 3), np.float64)
    for r in range(4):
        sel = (SAFE_IND[:, 0] == r) & (SAFE_IDS >= 0)
        ids = SAFE_IDS[sel]
        w = weights[sel] if weights is not None else np.ones(sel.sum())
        if weights is not None and combiner != "sum":
            ids, w = ids[w > 0], w[w > 0]
        if not len(ids):
            if default_id is None:
                continue
            ids, w = np.array([default_id]), np.array([1.0])
        out[r] = _np_combine(ids, w, combiner)
    return out


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("default_id", [None, 3])
def test_safe_embedding_lookup_sparse(run, combiner, weighted, default_id):
    ids = tf.SparseTensor(SAFE_IND, SAFE_IDS, [4, 2])
    wts = tf.SparseTensor(SAFE_IND, SAFE_W, [4, 2]) if weighted else None
    out = tf.nn.safe_embedding_lookup_sparse(tf.constant(EMB), ids, wts, combiner=combiner,
                                             default_id=default_id)
    assert out.shape.ndims == 2 and out.shape.as_list()[1] == 3
    np.testing.assert_allclose(run(out), _np_safe(combiner, SAFE_W if weighted else None,
                                                  default_id), rtol=1e-5, atol=1e-6)


def test_safe_embedding_lookup_sparse_higher_rank_and_gradient(run):
    ind = np.array([[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 1, 0]], np.int64)
    ids = tf.SparseTensor(ind, np.array([1, 2, 3, 4], np.int64), [2, 2, 2])
    emb = tf.Variable(EMB)
    out = tf.nn.safe_embedding_lookup_sparse(emb, ids, combiner="sum")
    assert out.shape.ndims == 3 and out.shape.as_list()[2] == 3
    g = tf.gradients(tf.reduce_sum(out), emb)[0]
    assert isinstance(g, tf.IndexedSlices)
    with tf.Session() as sess:
        sess.run(emb.initializer)
        got = sess.run(out)
    want = np.zeros((2, 2, 3))
    want[0, 0], want[0, 1], want[1, 1] = EMB[1], EMB[2] + EMB[3], EMB[4]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(ValueError, match="Missing embedding_weights"):
        tf.nn.safe_embedding_lookup_sparse(None, ids)
