"""`tf.nest` against values recorded from TensorFlow 2.21's `tf.compat.v1.nest`."""
import collections

import pytest

import tfgraph as tf
from tfgraph.util import nest

P = collections.namedtuple("P", "x y")


def test_tf_nest_has_tf1_names_only():
    assert sorted(n for n in dir(tf.nest) if not n.startswith("_")) == [
        "assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]


def test_flatten_sorts_dict_keys_and_keeps_atoms():
    assert tf.nest.flatten({"b": 1, "a": [2, (3, 4)]}) == [2, 3, 4, 1]
    assert tf.nest.flatten(None) == [None]
    assert tf.nest.flatten([None, 1]) == [None, 1]
    assert tf.nest.flatten({"x": {1, 2}}) == [{1, 2}]  # a set is an atom
    assert tf.nest.flatten("abc") == ["abc"]


def test_pack_sequence_as_restores_types_and_key_order():
    packed = tf.nest.pack_sequence_as({"b": 0, "a": [0, (0, 0)]}, [9, 8, 7, 6])
    assert packed == {"b": 6, "a": [9, (8, 7)]} and list(packed) == ["b", "a"]
    assert tf.nest.pack_sequence_as(P(1, [2]), [5, 6]) == P(x=5, y=[6])
    assert tf.nest.pack_sequence_as(3, [7]) == 7


def test_pack_sequence_as_counts_atoms():
    with pytest.raises(ValueError, match="Structure had 2 atoms, but flat_sequence had 1 items"):
        tf.nest.pack_sequence_as([1, 2], [1])


def test_map_structure_and_assert_same_structure():
    assert tf.nest.map_structure(lambda a, b: a + b, (1, [2]), (10, [20])) == (11, [22])
    with pytest.raises(ValueError, match="same nested structure|same number of elements"):
        tf.nest.assert_same_structure([1, 2], [1])
    with pytest.raises(TypeError, match="same sequence type"):
        tf.nest.assert_same_structure([1], (1,))
    tf.nest.assert_same_structure([1], (1,), check_types=False)


def test_unsortable_keys_and_insertion_order_variant():
    x, y = object(), object()
    with pytest.raises(TypeError, match="sortable keys"):
        tf.nest.flatten({x: 1, y: 2})
    assert nest.flatten_in_order({"b": 1, "a": [2, 3]}) == [1, 2, 3]
    assert nest.flatten_in_order({x: 1, y: [2]}) == [1, 2]
