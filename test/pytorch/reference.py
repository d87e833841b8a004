# PyTorch side of the cross-check (test/pytorch-crosscheck.test.ts): reads cases as JSON on stdin, evaluates
# each with PyTorch in float64, and prints the output and the gradient of sum(out * cotangent) per input.
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "pow_scalar": lambda a: a ** 3,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "neg": torch.neg,
    "exp": torch.exp,
    "log": torch.log,
    "log1p": torch.log1p,
    "expm1": torch.expm1,
    "sqrt": torch.sqrt,
    "sin": torch.sin,
    "cos": torch.cos,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "abs": torch.abs,
    "erf": torch.erf,
    "leaky_relu": lambda a: F.leaky_relu(a, 0.1),
    "gelu": F.gelu,
    "softplus": F.softplus,
    "silu": F.silu,
    "clamp": lambda a: torch.clamp(a, -0.5, 0.5),
    "where": lambda a, b: torch.where(a > 0, a, b),
    "sum_dim": lambda a: a.sum(dim=1, keepdim=True),
    "sum_dims": lambda a: a.sum(dim=(0, 2)),
    "mean": lambda a: a.mean(dim=-1),
    "max_all": lambda a: a.max(),
    "max_dim": lambda a: a.max(dim=1).values,
    "min_dim": lambda a: a.min(dim=0, keepdim=True).values,
    "logsumexp": lambda a: torch.logsumexp(a, dim=1),
    "softmax": lambda a: torch.softmax(a, dim=0),
    "log_softmax": lambda a: torch.log_softmax(a, dim=-1),
    "var": lambda a: a.var(dim=1),
    "matmul": torch.matmul,
    "transpose": lambda a: a.transpose(0, 2),
    "permute": lambda a: a.permute(2, 0, 1),
    "expand": lambda a: a.expand(2, 3, 4),
    "reshape": lambda a: a.reshape(4, -1),
    "slice": lambda a: a[:, 1:5:2],
    "concat": lambda a, b: torch.cat([a, b], dim=1),
    "stack": lambda a, b: torch.stack([a, b], dim=1),
    "gather": lambda a: a.gather(1, torch.tensor([[2, 0], [1, 1], [0, 2]])),
    "mse_loss": lambda a, b: F.mse_loss(a, b),
    "mse_loss_sum": lambda a, b: F.mse_loss(a, b, reduction="sum"),
    "l1_loss": lambda a, b: F.l1_loss(a, b),
    "bce": lambda p: F.binary_cross_entropy(p, TARGET_BCE),
    "bce_none": lambda p: F.binary_cross_entropy(p, TARGET_BCE, reduction="none"),
    "bce_logits": lambda x: F.binary_cross_entropy_with_logits(x, TARGET_BCE, pos_weight=torch.tensor([2.0, 0.5, 1.0])),
    "cross_entropy": lambda x: F.cross_entropy(x, torch.tensor([2, 0, 1, 2])),
    "cross_entropy_smooth": lambda x: F.cross_entropy(x, torch.tensor([2, 0, 1, 2]), label_smoothing=0.1, reduction="sum"),
    "nll": lambda x: F.nll_loss(torch.log_softmax(x, dim=1), torch.tensor([1, 1, 0, 2])),
}

TARGET_BCE = torch.tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 0.3]])


def run_case(case):
    inputs = [
        torch.tensor(x["data"], dtype=torch.float64).reshape(x["shape"]).requires_grad_(True) for x in case["inputs"]
    ]
    out = OPS[case["op"]](*inputs)
    cot = torch.tensor(case["cotangent"], dtype=torch.float64).reshape(out.shape)
    grads = torch.autograd.grad((out * cot).sum(), inputs, allow_unused=True)
    return {
        "out": out.detach().reshape(-1).tolist(),
        "shape": list(out.shape),
        "grads": [None if g is None else g.reshape(-1).tolist() for g in grads],
    }


def run_optimizer(case):
    w = torch.tensor(case["w0"], dtype=torch.float64, requires_grad=True)
    a = torch.tensor(case["a"], dtype=torch.float64)
    cls = getattr(torch.optim, case["name"])
    opt = cls([w], **case["options"])
    path = []
    for _ in range(case["steps"]):
        opt.zero_grad()
        loss = ((a * w - 1.0) ** 2).sum() + (w ** 4).sum() * 0.1
        loss.backward()
        opt.step()
        path.extend(w.detach().tolist())
    return path


def run_second_order(case):
    x = torch.tensor(case["x"], dtype=torch.float64, requires_grad=True)
    y = (torch.sin(x) * x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x, create_graph=True)
    (t,) = torch.autograd.grad(h.sum(), x)
    return {"g": g.tolist(), "h": h.tolist(), "t": t.tolist()}


request = json.load(sys.stdin)
json.dump(
    {
        "ops": [run_case(c) for c in request["ops"]],
        "optimizers": [run_optimizer(c) for c in request["optimizers"]],
        "secondOrder": run_second_order(request["secondOrder"]),
    },
    sys.stdout,
)
