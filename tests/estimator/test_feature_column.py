"""tf.feature_column: columns' dense tensors and linear_model logits against NumPy, TF1's
variable names and errors."""
import numpy as np
import pytest

import tfgraph as tf

fc = tf.feature_column
AGE = np.array([-1., 0., 5., 12.], np.float32)
POS = np.arange(8, dtype=np.float32).reshape(4, 2)
COLOR = np.array([["r", "b"], ["x", ""], ["g", "g"], ["b", ""]])
IDS = np.array([0, 3, -1, 2])


def features():
    return {"age": tf.constant(AGE), "pos": tf.constant(POS), "color": tf.constant(COLOR),
            "id": tf.constant(IDS)}


def run(t, init=True):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(t)


def test_input_layer_concatenates_columns_in_name_order():
    age = fc.numeric_column("age", normalizer_fn=lambda x: x * 2)
    color = fc.categorical_column_with_vocabulary_list("color", ["r", "g", "b"])
    net = fc.input_layer(features(), [fc.numeric_column("pos", shape=2),
                                      fc.indicator_column(color),
                                      fc.bucketized_column(fc.numeric_column("age"), [0., 10.]),
                                      age])
    # age (normalized), age_bucketized, color_indicator (counts, '' and OOV dropped), pos
    buckets = np.eye(3)[np.searchsorted([0., 10.], AGE, side="right")]
    vocab = {"r": 0, "g": 1, "b": 2}
    counts = np.zeros((4, 3))
    for i, row in enumerate(COLOR):
        for v in row:
            if v in vocab:
                counts[i, vocab[v]] += 1
    expected = np.concatenate([AGE[:, None] * 2, buckets, counts, POS], 1)
    assert net.shape.as_list() == [4, 9]
    np.testing.assert_allclose(run(net, init=False), expected)


@pytest.mark.parametrize("combiner", ["mean", "sum", "sqrtn"])
def test_embedding_column_combines_the_rows_of_valid_ids(combiner):
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    ids = np.array([[0, 2], [3, -1], [-1, -1], [1, 1]])
    col = fc.embedding_column(fc.categorical_column_with_identity("id", 4), 3,
                              combiner=combiner, initializer=tf.constant_initializer(table))
    net = fc.input_layer({"id": tf.constant(ids)}, [col])
    assert [v.op.name for v in tf.global_variables()] == ["input_layer/id_embedding/"
                                                          "embedding_weights"]
    expected = []
    for row in ids:
        valid = row[row >= 0]
        total = table[valid].sum(0) if len(valid) else np.zeros(3)
        n = len(valid)
        expected.append(total if combiner == "sum" or n == 0 else
                        total / n if combiner == "mean" else total / np.sqrt(n))
    np.testing.assert_allclose(run(net), np.array(expected), rtol=1e-6)


def test_linear_model_weights_and_logits():
    age = fc.numeric_column("age")
    bucket = fc.bucketized_column(age, [0., 10.])
    color = fc.categorical_column_with_vocabulary_list("color", ["r", "g", "b"])
    cols_to_vars = {}
    logits = fc.linear_model(features(), [color, age, bucket], units=2,
                             cols_to_vars=cols_to_vars)
    names = sorted(v.op.name for v in tf.trainable_variables())
    assert names == ["linear_model/age/weights", "linear_model/age_bucketized/weights",
                     "linear_model/bias_weights", "linear_model/color/weights"]
    assert cols_to_vars[color][0].shape.as_list() == [3, 2]
    rng = np.random.RandomState(0)
    values = {v.op.name: rng.randn(*v.shape.as_list()).astype(np.float32)
              for v in tf.trainable_variables()}
    with tf.Session() as sess:
        for v in tf.trainable_variables():
            v.load(values[v.op.name], sess)
        got = sess.run(logits)
    vocab = {"r": 0, "g": 1, "b": 2}
    expected = AGE[:, None] @ values["linear_model/age/weights"]
    expected += values["linear_model/age_bucketized/weights"][
        np.searchsorted([0., 10.], AGE, side="right")]
    for i, row in enumerate(COLOR):  # sparse_combiner "sum" over the row's ids
        for v in row:
            if v in vocab:
                expected[i] += values["linear_model/color/weights"][vocab[v]]
    expected += values["linear_model/bias_weights"]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_identity_column_out_of_range_ids():
    col = fc.categorical_column_with_identity("id", 3, default_value=0)
    net = fc.input_layer({"id": tf.constant([[5], [1], [-1]])}, [fc.indicator_column(col)])
    np.testing.assert_array_equal(run(net, init=False), [[1, 0, 0], [0, 1, 0], [0, 0, 0]])
    strict = fc.categorical_column_with_identity("id", 3)
    net = fc.input_layer({"id": tf.constant([[5]])}, [fc.indicator_column(strict)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="categorical column id"):
        run(net, init=False)


def test_sparse_inputs_and_parse_example_spec():
    age = fc.numeric_column("age", default_value=3.0)
    color = fc.categorical_column_with_vocabulary_list("color", ["r", "g"])
    spec = fc.make_parse_example_spec([age, fc.indicator_column(color)])
    assert spec["age"] == tf.FixedLenFeature((1,), tf.float32, (3.0,))
    assert spec["color"] == tf.VarLenFeature(tf.string)
    sparse = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [b"g", b"r", b"g"], [3, 2])
    net = fc.input_layer({"color": sparse}, [fc.indicator_column(color)])
    np.testing.assert_array_equal(run(net, init=False), [[1, 1], [0, 0], [0, 1]])


def test_column_errors():
    age = fc.numeric_column("age")
    with pytest.raises(ValueError, match="dtype must be convertible to float.*key: s"):
        fc.numeric_column("s", dtype=tf.string)
    with pytest.raises(TypeError, match="normalizer_fn must be a callable"):
        fc.numeric_column("a", normalizer_fn=3)
    with pytest.raises(ValueError, match="source_column must be a column generated with "
                                         "numeric_column"):
        fc.bucketized_column(fc.categorical_column_with_identity("i", 2), [1.])
    with pytest.raises(ValueError, match="boundaries must be a sorted list"):
        fc.bucketized_column(age, [2., 1.])
    with pytest.raises(ValueError, match="Duplicate keys in vocabulary_list"):
        fc.categorical_column_with_vocabulary_list("c", ["a", "a"])
    with pytest.raises(ValueError, match="Invalid dimension 0"):
        fc.embedding_column(fc.categorical_column_with_identity("i", 2), 0)
    with pytest.raises(ValueError, match="Items of feature_columns must be a _DenseColumn"):
        fc.input_layer(features(), [fc.categorical_column_with_identity("id", 4)])
    with pytest.raises(ValueError, match="Duplicate feature column name"):
        fc.input_layer(features(), [age, fc.numeric_column("age")])
    with pytest.raises(ValueError, match="feature_columns must not be empty"):
        fc.linear_model(features(), [])
    with pytest.raises(ValueError, match="'missing' is not in the features dict"):
        fc.input_layer(features(), [fc.numeric_column("missing")])
    with pytest.raises(NotImplementedError, match="tf.feature_column.crossed_column is not "
                                                  "offered.*vocabulary_list"):
        fc.crossed_column
