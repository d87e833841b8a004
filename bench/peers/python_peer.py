#!/usr/bin/env python3
"""The benchmark's NumPy and PyTorch peers: the same workloads, data and checksums, one JSON line each.

Run by bench/run.ts with --config (sizes, seeds, learning rates, timing options, as JSON), never alone
(though you can: the driver prints the command it runs). Data come from NumPy's legacy RandomState with
the seeds in the config, which chainrule's NumpyRandom reproduces bit for bit.
"""

import argparse
import json
import math
import os
import platform
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lib", choices=["numpy", "torch"], required=True)
    ap.add_argument("--config", required=True, help="JSON written by bench/run.ts")
    ap.add_argument("--threads", type=int, default=2)
    return ap.parse_args()


ARGS = parse_args()
CFG = json.loads(ARGS.config)
# BLAS threads are read when the library loads, so set them first.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(ARGS.threads))
IMPL = "numpy" if ARGS.lib == "numpy" else "pytorch"


def emit(line):
    def clean(v):
        return None if isinstance(v, float) and not math.isfinite(v) else v

    print(json.dumps({k: clean(v) for k, v in line.items()}), flush=True)


def skipped(workload, notes, backend=""):
    emit({"workload": workload, "impl": IMPL, "backend": backend, "threads": ARGS.threads,
          "unit": CFG["units"][workload], "median": None, "min": None, "runs": 0, "medianMs": None,
          "minMs": None, "checksum": None, "dtype": "float32", "notes": notes, "skipped": True})


try:
    import numpy as np
    if ARGS.lib == "torch":
        import torch
        import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means the peer is absent
    for w in CFG["workloads"]:
        skipped(w, f"unavailable: {type(e).__name__}: {e} ({sys.executable})")
    sys.exit(0)


def blas_libraries():
    """BLAS libraries mapped into this process (after a first product has loaded them)."""
    try:
        with open("/proc/self/maps") as f:
            names = {os.path.basename(line.split()[-1]) for line in f if "blas" in line.lower()}
        return ", ".join(sorted(n for n in names if n.endswith(".so") or ".so." in n))
    except OSError:
        return "unknown BLAS"


def measure(fn):
    """Warm-up runs, then timed runs until `runs` or the budget; returns the times (ms) and the last result."""
    m = CFG["measure"]
    for _ in range(m["warmup"]):
        fn()
    times, spent, last = [], 0.0, None
    while len(times) < m["runs"] and (len(times) < m["minRuns"] or spent < m["budgetMs"]):
        t0 = time.perf_counter()
        last = fn()
        dt = (time.perf_counter() - t0) * 1000
        times.append(dt)
        spent += dt
    return times, last


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def report(workload, times, checksum, dtype, backend, notes=""):
    def unit(ms):
        if workload == "matmul":
            return 2 * CFG["sizes"]["matmulN"] ** 3 / (ms * 1e6)
        return ms

    def r(x):
        return float(f"{x:.5g}")

    emit({"workload": workload, "impl": IMPL, "backend": backend, "threads": ARGS.threads,
          "checksum": float(checksum), "dtype": dtype, "notes": notes, "unit": CFG["units"][workload],
          "median": r(unit(median(times))), "min": r(unit(min(times))), "runs": len(times),
          "medianMs": r(median(times)), "minMs": r(min(times))})


# ---- data, exactly as bench/lib/data.ts draws it ----

def matmul_data(n):
    rs = np.random.RandomState(CFG["matmulSeed"])
    a = (rs.rand(n, n) * 2 - 1).astype(np.float32)
    b = (rs.rand(n, n) * 2 - 1).astype(np.float32)
    return a, b


def matmul_checksum(c):
    n = c.shape[0]
    w = (np.add.outer(np.arange(n), 3 * np.arange(n)) % 7 + 1).astype(np.float64)
    return float((np.abs(np.asarray(c, dtype=np.float64)) * w).sum())


def mlp_data():
    sizes = CFG["sizes"]
    dims = sizes["mlpSizes"]
    rs = np.random.RandomState(CFG["mlpSeed"])
    x = rs.rand(sizes["mlpBatch"], dims[0]).astype(np.float32)
    labels = rs.randint(0, dims[-1], size=sizes["mlpBatch"])
    ws, bs = [], []
    for i in range(len(dims) - 1):
        bound = math.sqrt(6 / dims[i])
        ws.append(((rs.rand(dims[i], dims[i + 1]) * 2 - 1) * bound).astype(np.float32))
        bs.append(np.zeros(dims[i + 1], dtype=np.float32))
    return x, labels, ws, bs


def tutorial_data():
    """The tutorial's own draws: np.random.seed(42); X = randn(100, 2); W1 = randn(2, H) * 0.01; W2 = randn(H, 1) * 0.01."""
    rs = np.random.RandomState(CFG["tutorialSeed"])
    X = rs.randn(100, 2)
    y = (X[:, 0] + X[:, 1] > 0).astype(float).reshape(-1, 1)
    H = CFG["tutorialHidden"]
    W1 = rs.randn(2, H) * 0.01
    W2 = rs.randn(H, 1) * 0.01
    return X, y, [W1, np.zeros(H), W2, np.zeros(1)]


def scalar_checksum(h, grads):
    return h + sum((i + 1) * g for i, g in enumerate(grads))


# ---- numpy ----

def numpy_matmul():
    a, b = matmul_data(CFG["sizes"]["matmulN"])
    times, c = measure(lambda: a @ b)
    return times, matmul_checksum(c), "float32", ""


def numpy_mlp_trainer():
    x, labels, ws, bs = mlp_data()
    lr = CFG["mlpLr"]
    batch = x.shape[0]
    onehot = np.zeros((batch, ws[-1].shape[1]), dtype=np.float32)
    onehot[np.arange(batch), labels] = 1

    def step():
        acts, zs = [x], []
        for i, (w, b) in enumerate(zip(ws, bs)):
            z = acts[-1] @ w + b
            zs.append(z)
            if i + 1 < len(ws):
                acts.append(np.maximum(z, 0))
        logits = zs[-1]
        m = logits.max(axis=1, keepdims=True)
        e = np.exp(logits - m)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(s[:, 0]) + m[:, 0] - logits[np.arange(batch), labels]))
        dz = (e / s - onehot) / np.float32(batch)
        for i in range(len(ws) - 1, -1, -1):
            dw = acts[i].T @ dz
            db = dz.sum(axis=0)
            if i > 0:
                dz_prev = (dz @ ws[i].T) * (zs[i - 1] > 0)
            ws[i] -= np.float32(lr) * dw
            bs[i] -= np.float32(lr) * db
            if i > 0:
                dz = dz_prev
        return loss

    return step


def numpy_mlp():
    times, _ = measure(numpy_mlp_trainer())
    fresh = numpy_mlp_trainer()
    loss = float("nan")
    for _ in range(CFG["mlpCheckSteps"]):
        loss = fresh()
    return times, loss, "float32", "hand-written backprop"


def numpy_tutorial_train():
    """The tutorial's SimpleNeuralNetwork, its forward and backward as written there (without the prints)."""
    X, y, init = tutorial_data()
    W1, b1, W2, b2 = [p.copy() for p in init]
    lr = CFG["tutorialLr"]
    m = X.shape[0]

    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    for _ in range(CFG["sizes"]["tutorialEpochs"]):
        a1 = sigmoid(X @ W1 + b1)
        a2 = sigmoid(a1 @ W2 + b2)
        dz2 = a2 - y
        dW2 = (a1.T @ dz2) / m
        db2 = np.sum(dz2, axis=0) / m
        dz1 = (dz2 @ W2.T) * (a1 * (1 - a1))
        dW1 = (X.T @ dz1) / m
        db1 = np.sum(dz1, axis=0) / m
        W2 -= lr * dW2
        b2 -= lr * db2
        W1 -= lr * dW1
        b1 -= lr * db1
    return float(sum(p.sum() for p in (W1, b1, W2, b2)))


def numpy_tutorial():
    times, checksum = measure(numpy_tutorial_train)
    return times, checksum, "float64", "the tutorial's own code, float64"


# ---- torch ----

def torch_matmul():
    a, b = (torch.from_numpy(t) for t in matmul_data(CFG["sizes"]["matmulN"]))
    times, c = measure(lambda: a @ b)
    return times, matmul_checksum(c.numpy()), "float32", ""


def torch_mlp_trainer():
    x, labels, ws, bs = mlp_data()
    x = torch.from_numpy(x)
    labels = torch.from_numpy(labels.astype(np.int64))
    params = []
    for w, b in zip(ws, bs):
        params += [torch.from_numpy(w.copy()).requires_grad_(), torch.from_numpy(b.copy()).requires_grad_()]
    lr = CFG["mlpLr"]
    layers = len(params) // 2

    def step():
        h = x
        for i in range(layers):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i + 1 < layers:
                h = torch.relu(h)
        loss = F.cross_entropy(h, labels)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad, alpha=lr)
        return loss.item()

    return step


def torch_mlp():
    times, _ = measure(torch_mlp_trainer())
    fresh = torch_mlp_trainer()
    loss = float("nan")
    for _ in range(CFG["mlpCheckSteps"]):
        loss = fresh()
    return times, loss, "float32", "autograd, F.cross_entropy, manual SGD"


def torch_tutorial_train():
    X, y, init = tutorial_data()
    X = torch.from_numpy(X)
    y = torch.from_numpy(y)
    params = [torch.from_numpy(p.copy()).requires_grad_() for p in init]
    W1, b1, W2, b2 = params
    lr = CFG["tutorialLr"]
    for _ in range(CFG["sizes"]["tutorialEpochs"]):
        a2 = torch.sigmoid(torch.sigmoid(X @ W1 + b1) @ W2 + b2)
        loss = F.binary_cross_entropy(a2, y)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad, alpha=lr)
    return float(sum(p.detach().sum().item() for p in params))


def torch_tutorial():
    times, checksum = measure(torch_tutorial_train)
    return times, checksum, "float64", "autograd, float64, F.binary_cross_entropy"


def torch_scalar_graph():
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in CFG["scalarInputs"]]
    blocks = CFG["sizes"]["scalarOps"] // 5

    def run():
        h = xs[0]
        for k in range(blocks):
            p = h * xs[k % 4]
            r = torch.tanh(p + xs[(k + 1) % 4])
            h = r * xs[(k + 2) % 4] + p
        for x in xs:
            x.grad = None
        h.backward()
        return h.item(), [x.grad.item() for x in xs]

    return run


def torch_scalar():
    times, (h, grads) = measure(torch_scalar_graph())
    return times, scalar_checksum(h, grads), "float64", "0-d float64 tensors"


def main():
    if ARGS.lib == "torch":
        torch.set_num_threads(ARGS.threads)
        table = {"matmul": torch_matmul, "mlp": torch_mlp, "tutorial": torch_tutorial, "scalar": torch_scalar}
    else:
        table = {"matmul": numpy_matmul, "mlp": numpy_mlp, "tutorial": numpy_tutorial}
    # A first product loads the BLAS library, so /proc/self/maps can name it.
    np.ones((64, 64), dtype=np.float32) @ np.ones((64, 64), dtype=np.float32)
    if ARGS.lib == "torch":
        torch.ones(64, 64) @ torch.ones(64, 64)
        backend = f"torch {torch.__version__} cpu ({blas_libraries()})"
    else:
        backend = f"numpy {np.__version__} ({blas_libraries()})"
    backend += f", python {platform.python_version()} ({sys.executable})"
    for w in CFG["workloads"]:
        if w not in table:
            skipped(w, "not applicable: numpy has no autograd" if w == "scalar" else "not implemented", backend)
            continue
        try:
            times, checksum, dtype, notes = table[w]()
            report(w, times, checksum, dtype, backend, notes)
        except Exception as e:  # noqa: BLE001 - report and carry on with the other workloads
            skipped(w, f"failed: {type(e).__name__}: {e}", backend)


main()
