"""Candidate samplers (`tf.nn.uniform_candidate_sampler`, `log_uniform_...`,
`learned_unigram_...`, `fixed_unigram_...`, `all_candidate_sampler`, also in `tf.random`) and
`tf.nn.compute_accidental_hits`, with TF1's op types, attributes and outputs.

The samplers run on the host (as TF1's CPU-only kernels) with a per-session generator seeded by
TF1's seed rules. A sampler draws `num_sampled` classes in `[0, range_max)`; with `unique` it
draws until that many distinct classes came up, and the expected counts are
`1 - (1 - p)^num_tries` (else `p * num_sampled`), as TF1's `RangeSampler`. The learned unigram
sampler starts with every class at weight 1 and adds 1 per true class seen, after sampling
(a session resource). Values differ from TF's (another generator); the rules are TF1's.
"""
from __future__ import annotations

import collections
import csv
from typing import Any, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor
from ..framework.graph import get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework import errors
from .random_ops import _generator, _seed_attrs

CandidateSamplerOutput = collections.namedtuple(
    "CandidateSamplerOutput", ["sampled_candidates", "true_expected_count",
                               "sampled_expected_count"])
AccidentalHitsOutput = collections.namedtuple("AccidentalHitsOutput",
                                              ["indices", "ids", "weights"])


def _expected(p: np.ndarray, num_sampled: int, num_tries: int) -> np.ndarray:
    """TF1's ExpectedCountHelper (float32, as its kernels)."""
    p = np.asarray(p, np.float64)
    if num_tries == num_sampled:
        return (p * num_sampled).astype(np.float32)
    return (-np.expm1(num_tries * np.log1p(-p))).astype(np.float32)


def _sample(draw, n: int, unique: bool):
    """`n` classes from `draw(k)` (k draws at a time); with `unique`, the first `n` distinct
    ones in drawing order. Returns (classes, number of draws used)."""
    if not unique:
        return np.asarray(draw(n), np.int64).reshape(n), n
    picked: list = []
    used: set = set()
    tries = 0
    while len(picked) < n:
        for v in draw(max(2 * (n - len(picked)), 16)).tolist():
            tries += 1
            if v not in used:
                used.add(v)
                picked.append(v)
                if len(picked) == n:
                    break
    return np.asarray(picked, np.int64), tries


class _CandidateSampler(OpDef):
    """`true_classes` int64 [batch, num_true] -> sampled [num_sampled], true expected counts
    [batch, num_true], sampled expected counts [num_sampled] (host kernels)."""

    stateful = True
    host_only = True

    def infer(self, true_classes, *, num_true, num_sampled, unique, seed, seed2,
              range_max=None, **attrs):
        if true_classes.dtype != dtypes.int64:
            raise TypeError(f"Input 'true_classes' of '{self.type_name}' must be int64, got "
                            f"{true_classes.dtype.name}")
        ts = true_classes.shape
        if ts.ndims is not None and ts.ndims != 2:
            raise ValueError(f"true_classes must be a matrix, got shape {ts} "
                             f"(in '{self.type_name}')")
        if ts.ndims == 2 and ts.as_list()[1] not in (None, num_true):
            raise ValueError(f"true_classes must have num_true={num_true} columns, got shape "
                             f"{ts} (in '{self.type_name}')")
        if num_sampled < 1 or num_true < 1:
            raise ValueError(f"num_sampled and num_true must be positive (in "
                             f"'{self.type_name}')")
        if range_max is not None:
            if range_max < 1:
                raise ValueError(f"range_max must be positive, got {range_max}")
            if unique and num_sampled > range_max:
                raise ValueError(f"Sampler's range is too small: num_sampled={num_sampled} "
                                 f"unique classes from range_max={range_max} (in "
                                 f"'{self.type_name}')")
        batch = ts.as_list()[0] if ts.ndims == 2 else None
        return [spec(dtypes.int64, [num_sampled]), spec(dtypes.float32, [batch, num_true]),
                spec(dtypes.float32, [num_sampled])]

    def distribution(self, op, ctx):
        """(draw(rng, k) -> k classes, probability(classes) -> p, update(true) or None)."""
        raise NotImplementedError

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        a = op.attrs
        n, unique, num_true = a["num_sampled"], a["unique"], a["num_true"]
        range_max = a.get("range_max", n)
        draw, prob, update = self.distribution(op, ctx)

        def run(true_classes):
            true = np.asarray(true_classes, np.int64)
            if true.ndim != 2 or true.shape[1] != num_true:
                raise ValueError(f"true_classes must be a [batch, {num_true}] matrix, got "
                                 f"shape {list(true.shape)}")
            bad = (true < 0) | (true >= range_max)
            if bad.any():
                raise ValueError(f"`true_candidate` out of range [0, {range_max}), received "
                                 f"{int(true[bad][0])}")
            sampled, tries = _sample(lambda k: draw(rng, k), n, unique)
            out = (sampled, _expected(prob(true), n, tries).reshape(true.shape),
                   _expected(prob(sampled), n, tries))
            if update is not None:
                update(true.reshape(-1))
            return out
        return run


@register_op("UniformCandidateSampler")
class UniformCandidateSampler(_CandidateSampler):
    """Classes uniform in [0, range_max)."""

    def distribution(self, op, ctx):
        r = op.attrs["range_max"]
        return (lambda rng, k: rng.integers(0, r, size=k),
                lambda c: np.full(np.shape(c), 1.0 / r), None)


@register_op("LogUniformCandidateSampler")
class LogUniformCandidateSampler(_CandidateSampler):
    """Zipfian classes: P(c) = log((c + 2) / (c + 1)) / log(range_max + 1)."""

    def distribution(self, op, ctx):
        r = op.attrs["range_max"]
        log_range = np.log1p(r)

        def draw(rng, k):
            return (np.exp(rng.random(k) * log_range).astype(np.int64) - 1) % r
        return (draw, lambda c: np.log((np.asarray(c) + 2.0) / (np.asarray(c) + 1.0)) / log_range,
                None)


@register_op("LearnedUnigramCandidateSampler")
class LearnedUnigramCandidateSampler(_CandidateSampler):
    """Classes by the counts of the true classes seen so far in this session (each class
    starting at weight 1)."""

    def distribution(self, op, ctx):
        r = op.attrs["range_max"]
        weights = ctx.resource(("candidate_sampling", op), lambda: np.ones(r, np.float64))

        def draw(rng, k):
            cdf = np.cumsum(weights)
            return np.minimum(np.searchsorted(cdf, rng.random(k) * cdf[-1], side="right"), r - 1)

        def update(true):
            np.add.at(weights, true, 1.0)
        return draw, lambda c: weights[np.asarray(c)] / weights.sum(), update


def _read_vocab_counts(path: str) -> list:
    """The last CSV field of each line of `path` (TF1's vocab_file format)."""
    out = []
    try:
        with open(path, newline="") as f:
            text = f.read()
    except OSError as e:
        raise errors.NotFoundError(None, None, f"{path}; {e.strerror}") from None
    for row in csv.reader(text.splitlines()):
        if not row:
            continue
        try:
            out.append(float(row[-1]))
        except ValueError:
            raise ValueError(f"Wrong vocabulary format at line: {','.join(row)} (in "
                             f"{path})") from None
    return out


@register_op("FixedUnigramCandidateSampler")
class FixedUnigramCandidateSampler(_CandidateSampler):
    """Classes by fixed unigram counts (`unigrams` or a CSV `vocab_file`) raised to
    `distortion`; reserved ids get weight 0; one shard's ids only."""

    def weights(self, a) -> np.ndarray:
        vocab, unigrams = a.get("vocab_file", ""), list(a.get("unigrams", ()))
        if not vocab and not unigrams:
            raise ValueError("Must provide either vocab_file or unigrams.")
        if vocab and unigrams:
            raise ValueError("Must only provide one of vocab_file and unigrams.")
        shards, shard = a.get("num_shards", 1), a.get("shard", 0)
        reserved = a.get("num_reserved_ids", 0)
        w = [0.0 for i in range(reserved) if i % shards == shard]
        counts = _read_vocab_counts(vocab) if vocab else unigrams
        w += [float(c) ** a.get("distortion", 1.0)
              for i, c in enumerate(counts, start=reserved) if i % shards == shard]
        if len(w) != a["range_max"]:
            raise ValueError(f"range is {a['range_max']} must be equal to weights size "
                             f"{len(w)}")
        return np.asarray(w, np.float64)

    def distribution(self, op, ctx):
        w = self.weights(op.attrs)
        cdf = np.cumsum(w)
        total = cdf[-1]
        r = len(w)

        def draw(rng, k):
            return np.minimum(np.searchsorted(cdf, rng.random(k) * total, side="right"), r - 1)

        def prob(c):
            c = np.asarray(c)
            ok = (c >= 0) & (c < r)
            return np.where(ok, w[np.clip(c, 0, r - 1)] / total, 0.0)
        return draw, prob, None


@register_op("AllCandidateSampler")
class AllCandidateSampler(_CandidateSampler):
    """Every class `0 .. num_sampled - 1`, each with expected count 1."""

    def distribution(self, op, ctx):
        return (lambda rng, k: np.arange(k), lambda c: np.ones(np.shape(c)), None)

    def kernel(self, be, op, ctx):
        n, num_true = op.attrs["num_sampled"], op.attrs["num_true"]

        def run(true_classes):
            true = np.asarray(true_classes)
            if true.ndim != 2 or true.shape[1] != num_true:
                raise ValueError(f"true_classes must be a [batch, {num_true}] matrix, got "
                                 f"shape {list(true.shape)}")
            return (np.arange(n, dtype=np.int64), np.ones(true.shape, np.float32),
                    np.ones(n, np.float32))
        return run


@register_op("ComputeAccidentalHits")
class ComputeAccidentalHits(OpDef):
    """For each true class of row i equal to sampled candidate j: (i, j, -FLT_MAX)."""

    host_only = True

    def infer(self, true_classes, sampled_candidates, *, num_true, seed=0, seed2=0):
        for t, what in ((true_classes, "true_classes"), (sampled_candidates, "sampled_candidates")):
            if t.dtype != dtypes.int64:
                raise TypeError(f"Input '{what}' of 'ComputeAccidentalHits' must be int64, got "
                                f"{t.dtype.name}")
        if true_classes.shape.ndims not in (None, 2):
            raise ValueError(f"true_candidates must be a batch_size * num_true matrix, got "
                             f"shape {true_classes.shape}")
        if sampled_candidates.shape.ndims not in (None, 1):
            raise ValueError(f"sampled_candidates must be a vector, got shape "
                             f"{sampled_candidates.shape}")
        return [spec(dtypes.int32, [None]), spec(dtypes.int64, [None]),
                spec(dtypes.float32, [None])]

    def kernel(self, be, op, ctx):
        num_true = op.attrs["num_true"]

        def run(true_classes, sampled):
            true = np.asarray(true_classes)
            if true.ndim != 2 or true.shape[1] != num_true:
                raise ValueError("true_candidates must be a batch_size * num_true matrix")
            # the last position of each sampled value (TF1's map keeps the last one)
            pos = {int(v): j for j, v in enumerate(np.asarray(sampled).tolist())}
            hits = [(i, pos[v]) for i, row in enumerate(true.tolist()) for v in row if v in pos]
            idx = np.array([h[0] for h in hits], np.int32)
            ids = np.array([h[1] for h in hits], np.int64)
            return idx, ids, np.full(len(hits), -np.finfo(np.float32).max, np.float32)
        return run


for _t in ("UniformCandidateSampler", "LogUniformCandidateSampler",
           "LearnedUnigramCandidateSampler", "FixedUnigramCandidateSampler",
           "AllCandidateSampler", "ComputeAccidentalHits"):
    NotDifferentiable(_t)


# --- builders ---------------------------------------------------------------------------------
def _sampler(op_type: str, true_classes: Any, attrs: dict, seed: Optional[int],
             name: Optional[str]) -> CandidateSamplerOutput:
    graph = get_default_graph()
    with graph.name_scope(name or op_type) as scope:
        true_classes = convert_to_tensor(true_classes, dtype_hint=dtypes.int64,
                                         name="true_classes")
        op = graph.create_op(op_type, [true_classes], {**attrs, **_seed_attrs(seed)},
                             name=scope)
    return CandidateSamplerOutput(*op.outputs)


def _common(num_true, num_sampled, unique, range_max=None) -> dict:
    a = {"num_true": int(num_true), "num_sampled": int(num_sampled), "unique": bool(unique)}
    if range_max is not None:
        a["range_max"] = int(range_max)
    return a


def uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                              range_max: int, seed: Optional[int] = None,
                              name: Optional[str] = None) -> CandidateSamplerOutput:
    """Samples a set of classes uniformly from `[0, range_max)`
    (`tf.nn.uniform_candidate_sampler`).

    Args:
      true_classes: int64 `[batch_size, num_true]`: the target classes.
      num_true: Number of target classes per example.
      num_sampled: Number of classes to sample.
      unique: Sample without replacement within the batch.
      range_max: The number of possible classes.
      seed: Op-level seed.
      name: Op name (default "UniformCandidateSampler").

    Returns:
      `(sampled_candidates [num_sampled] int64, true_expected_count [batch, num_true] float32,
      sampled_expected_count [num_sampled] float32)`.
    """
    return _sampler("UniformCandidateSampler", true_classes,
                    _common(num_true, num_sampled, unique, range_max), seed, name)


def log_uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                  unique: bool, range_max: int, seed: Optional[int] = None,
                                  name: Optional[str] = None) -> CandidateSamplerOutput:
    """Samples classes from a log-uniform (Zipfian) distribution
    (`tf.nn.log_uniform_candidate_sampler`): `P(c) = log((c+2)/(c+1)) / log(range_max+1)`.

    Arguments and results as `uniform_candidate_sampler`.
    """
    return _sampler("LogUniformCandidateSampler", true_classes,
                    _common(num_true, num_sampled, unique, range_max), seed, name)


def learned_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                      unique: bool, range_max: int, seed: Optional[int] = None,
                                      name: Optional[str] = None) -> CandidateSamplerOutput:
    """Samples classes by the frequencies of the true classes seen so far
    (`tf.nn.learned_unigram_candidate_sampler`).

    Arguments and results as `uniform_candidate_sampler`.
    """
    return _sampler("LearnedUnigramCandidateSampler", true_classes,
                    _common(num_true, num_sampled, unique, range_max), seed, name)


def fixed_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                    unique: bool, range_max: int, vocab_file: str = "",
                                    distortion: float = 1.0, num_reserved_ids: int = 0,
                                    num_shards: int = 1, shard: int = 0,
                                    unigrams: Sequence[float] = (), seed: Optional[int] = None,
                                    name: Optional[str] = None) -> CandidateSamplerOutput:
    """Samples classes by fixed unigram counts (`tf.nn.fixed_unigram_candidate_sampler`).

    Args:
      true_classes, num_true, num_sampled, unique, range_max, seed, name: As
        `uniform_candidate_sampler`.
      vocab_file: A CSV file whose last column is each class's count (or give `unigrams`).
      distortion: Counts are raised to this power.
      num_reserved_ids: Ids before the vocabulary, with weight 0.
      num_shards, shard: Sample only the ids `i` with `i % num_shards == shard`.
      unigrams: The counts, one per class (or give `vocab_file`).

    Raises:
      ValueError: If neither or both of `vocab_file` and `unigrams` are given, or the number
        of weights is not `range_max`.
    """
    attrs = _common(num_true, num_sampled, unique, range_max)
    attrs.update(vocab_file=str(vocab_file), distortion=float(distortion),
                 num_reserved_ids=int(num_reserved_ids), num_shards=int(num_shards),
                 shard=int(shard), unigrams=[float(u) for u in unigrams])
    FixedUnigramCandidateSampler().weights(attrs)  # the file/unigram errors at build time
    return _sampler("FixedUnigramCandidateSampler", true_classes, attrs, seed, name)


def all_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                          seed: Optional[int] = None,
                          name: Optional[str] = None) -> CandidateSamplerOutput:
    """All classes `0 .. num_sampled - 1`, each with expected count 1
    (`tf.nn.all_candidate_sampler`; for testing)."""
    return _sampler("AllCandidateSampler", true_classes, _common(num_true, num_sampled, unique),
                    seed, name)


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int,
                            seed: Optional[int] = None,
                            name: Optional[str] = None) -> AccidentalHitsOutput:
    """Where the sampled candidates match a row's true classes
    (`tf.nn.compute_accidental_hits`).

    Args:
      true_classes: int64 `[batch_size, num_true]`.
      sampled_candidates: int64 `[num_sampled]`, from a candidate sampler.
      num_true: Number of target classes per example.
      seed, name: Op-level seed; op name (default "ComputeAccidentalHits").

    Returns:
      `(indices int32, ids int64, weights float32)`: row i, sampled position j and
      `-FLT_MAX` for each hit, to add to the sampled logits (as a sparse tensor).
    """
    graph = get_default_graph()
    with graph.name_scope(name or "ComputeAccidentalHits") as scope:
        true_classes = convert_to_tensor(true_classes, dtype_hint=dtypes.int64,
                                         name="true_classes")
        sampled = convert_to_tensor(sampled_candidates, dtype_hint=dtypes.int64,
                                    name="sampled_candidates")
        op = graph.create_op("ComputeAccidentalHits", [true_classes, sampled],
                             {"num_true": int(num_true), **_seed_attrs(seed)}, name=scope)
    return AccidentalHitsOutput(*op.outputs)


__all__: list = []  # tf.nn / tf.random names only (tfgraph/nn.py, tfgraph/random.py)
