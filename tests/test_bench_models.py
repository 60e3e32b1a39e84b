"""tools/bench_models.py: its hand-written NumPy models compute the same losses as tfgraph's
graphs (the benchmark compares like with like), and its README table renders a result."""
import importlib.util
import pathlib

import numpy as np
import pytest

import tfgraph as tf

REPO = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_models", REPO / "tools" / "bench_models.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("model", ["mlp32", "ae", "lenet"])
def test_numpy_models_follow_tfgraph_for_three_steps(bench, model, tmp_path):
    rng = np.random.default_rng(7)
    params = bench.make_params(model, rng)
    batches = bench.make_batches(model, rng, n=3)
    graph_step = bench.graph_stepper(tf, model, params, str(tmp_path))
    numpy_step = bench.numpy_stepper(model, params)
    for x, y in batches:  # the losses of later steps also check the updates
        np.testing.assert_allclose(graph_step(x, y), numpy_step(x, y), rtol=2e-5, atol=1e-6)


def test_batch_norm_model_trains_and_moves_its_averages(bench, tmp_path):
    """The 'bn' model (fused batch norms in training mode, Adam): finite losses on a repeated
    batch that fall after Adam's first overshoot (TF1 takes the same path: the benchmark's
    loss check), and its moving means leave zero (the update ops ran with the step)."""
    rng = np.random.default_rng(9)
    tf.reset_default_graph()
    x, y, loss, train, _ = bench.build_tf_graph(tf, "bn", bench.make_params("bn", rng))
    assert [op.type for op in tf.get_default_graph().get_operations()].count(
        "FusedBatchNormV3") == 2
    xb, yb = bench.make_batches("bn", rng, n=1)[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([train, loss], {x: xb, y: yb})[1] for _ in range(8)]
        means = [v for v in tf.global_variables()  # (the unnamed moving averages)
                 if not v.trainable and v.op.name.startswith("Variable")]
        moved = sess.run(means)
    assert all(np.isfinite(losses)) and losses[-1] < losses[1]
    assert len(moved) == 4 and all(np.abs(m).max() > 0 for m in moved[::2])


def test_op_survey_runs_its_cases(tmp_path):
    """tools/bench_ops.py times the named cases in tfgraph and prints milliseconds."""
    import json
    import subprocess
    import sys
    out = subprocess.run([sys.executable, str(REPO / "tools" / "bench_ops.py"), "--cases",
                          "relu,top_k 5", "--repeats", "2"], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    times = json.loads(out.stdout)["tfgraph_ms"]
    assert set(times) == {"relu", "top_k 5"} and all(v > 0 for v in times.values())


def test_histogram_model_writes_summaries(bench, tmp_path):
    rng = np.random.default_rng(8)
    step = bench.graph_stepper(tf, "hist", bench.make_params("mlp128", rng), str(tmp_path))
    x, y = bench.make_batches("mlp128", rng, n=1)[0]
    assert np.isfinite(step(x, y))
    assert list(tmp_path.glob("events.out.tfevents.*"))


def test_markdown_table_of_a_result(bench):
    def fw(ms, cpu, rss):
        return {"ms_per_step": ms, "cpu_ms_per_step": cpu, "peak_rss_mb": rss}
    result = {
        "frameworks": ["tfgraph", "numpy", "tf1"],
        "mlp128": {"tfgraph": fw(2.0, 1.9, 50), "numpy": fw(2.5, 2.4, 45), "tf1": fw(1.6, 2.0, 500),
                  "rss_tfgraph_over_numpy": 1.11},
        "overhead": {"tfgraph": {"us_per_call": 2.5, "cpu_us_per_call": 2.4},
                     "numpy": {"us_per_call": 0.1, "cpu_us_per_call": 0.1},
                     "tf1": {"us_per_call": 250.0, "cpu_us_per_call": 240.0}},
    }
    table = bench.markdown_table(result).splitlines()
    assert table[0].startswith("| work | tfgraph | TF1 graph | hand NumPy |")
    row = next(r for r in table if r.startswith("| MLP 784-512-512-10, batch 128"))
    assert "2 ms (1.9)" in row and "1.25 (0.95)" in row
    assert "wall missed by 1.25x; CPU met" in row
    assert any(r.startswith("| `sess.run`") and "2.5 µs (2.4)" in r for r in table)
    assert any(r.startswith("| peak RSS mlp128") and "vs NumPy 1.11" in r for r in table)


def test_markdown_table_names_pinned_threads_and_histogram_share(bench):
    def fw(ms, cpu):
        return {"ms_per_step": ms, "cpu_ms_per_step": cpu, "peak_rss_mb": 50}
    result = {"frameworks": ["tfgraph", "tf1"], "threads": 1,
              "mlp128": {"tfgraph": fw(4.0, 5.0), "tf1": fw(5.0, 5.0)},
              "hist": {"tfgraph": fw(5.0, 8.0), "tf1": fw(20.0, 25.0)}}
    table = bench.markdown_table(result).splitlines()
    assert table[0].startswith("| work (1 thread(s) each) | tfgraph | TF1 graph |")
    row = next(r for r in table if r.startswith("| MLP batch 128 + histogram"))
    # the summaries' share of the step: wall (CPU) against the plain mlp128 step
    assert "tfgraph 25% (60%), tf1 300% (400%)" in row


def test_threads_option_reaches_the_workers(bench, monkeypatch):
    monkeypatch.setenv("BENCH_THREADS", "1")
    assert bench._threads() == 1
    monkeypatch.setenv("BENCH_THREADS", "")
    assert bench._threads() is None
    assert bench._machine_busy_seconds() is None or bench._machine_busy_seconds() > 0
