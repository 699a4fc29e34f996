"""PyTorch's profiler on one training step of the study's best network (comparison only; profile.ts runs it).

Builds the network as torch_cnn.py does, warms up, then profiles STEPS steps (Adam, cross-entropy, batch BATCH,
THREADS intra-op threads) and sums each operator's self CPU time into the categories of scripts/bench/profile.ts:
an operator counts for the layer kind of the module running it (forward hooks) or, in the backward pass, for
the autograd node it runs under. Prints one JSON object: {"version", "ms": {category: ms per step}}.
Usage: python3 torch_profile.py THREADS BATCH
"""

import json
import sys
import time

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, record_function

from torch_cnn import best

STEPS = 6

# Forward: the module kind whose forward is running (a record_function scope opened by hooks).
FORWARD = {
    "PixelPowers": "pixel powers",
    "Conv2d": "convolution forward (+bias+ReLU)",
    "ReLU": "convolution forward (+bias+ReLU)",
    "BatchNorm2d": "BatchNorm forward",
    "MaxPool2d": "max pooling forward",
    "Dropout": "dropout forward",
}
# Backward: the autograd node an operator runs under.
BACKWARD = [
    ("ConvolutionBackward", "convolution gradients (input and filter)"),
    ("ReluBackward", "ReLU and bias gradients"),
    ("NativeBatchNormBackward", "BatchNorm backward"),
    ("MaxPool2DWithIndicesBackward", "max pooling backward"),
    ("NativeDropoutBackward", "dropout backward"),
    ("MulBackward", "dropout backward"),
    ("LogSoftmaxBackward", "loss"),
    ("NllLossBackward", "loss"),
]


def scope_hooks(model):
    """Opens a record_function scope named after each leaf module's kind around its forward."""
    for m in model.modules():
        if list(m.children()):
            continue
        kind = type(m).__name__

        def pre(mod, inp, kind=kind):
            mod._scope = record_function(f"layer::{kind}")
            mod._scope.__enter__()

        def post(mod, inp, out):
            mod._scope.__exit__(None, None, None)

        m.register_forward_pre_hook(pre)
        m.register_forward_hook(post)


def category(event):
    """The category of an operator event, from the scopes and autograd nodes above it."""
    e = event
    while e is not None:
        name = e.name
        if name.startswith("layer::"):
            return FORWARD.get(name[7:], "head (global pool, dense, softmax)")
        if name == "phase::loss":
            return "loss"
        if name == "phase::optimizer":
            return "optimizer (Adam)"
        for node, cat in BACKWARD:
            if node in name:
                return cat
        if name == "phase::backward":
            return "head (global pool, dense, softmax)"
        e = e.cpu_parent
    return "outside kernels (framework, glue)"


def main():
    threads, batch = (int(v) for v in sys.argv[1:3])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = best()
    scope_hooks(model)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step():
        opt.zero_grad()
        out = model(x)
        with record_function("phase::loss"):
            loss = loss_fn(out, y)
        with record_function("phase::backward"):
            loss.backward()
        with record_function("phase::optimizer"):
            opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(STEPS):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    wall = sorted(times)[STEPS // 2]  # the median step: a busy machine makes single steps slow
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(STEPS):
            step()
    ms = {}
    for e in prof.events():
        self_ms = e.self_cpu_time_total / 1000 / STEPS
        if self_ms <= 0 or e.name.startswith(("layer::", "phase::")):
            continue
        c = category(e)
        ms[c] = ms.get(c, 0.0) + self_ms
    profiled = sum(ms.values())
    # What the unprofiled step spends beyond the operators' self times (the profiler's own cost excluded).
    ms["outside kernels (framework, glue)"] = max(0.0, ms.get("outside kernels (framework, glue)", 0.0)
                                                  + wall - profiled)
    print(json.dumps({"version": torch.__version__, "ms": ms, "wall": wall}))


if __name__ == "__main__":
    main()
