"""PyTorch on the bench's two CNNs, for comparison only (scripts/bench/train.ts runs it when torch imports).

Builds the report's 4-conv CNN and the study's best network (three blocks 48-96-192 on pixel powers [1, 16]) as
lib/networks/cnn.ts does, then times training steps (Adam, cross-entropy, batch BATCH) and inference (eval mode,
batches of INFER_BATCH) on random images with THREADS intra-op threads, in three settings (MODES): PyTorch's
default NCHW layout in float32; channels-last (NHWC, the layout PyTorch's CPU guide recommends for oneDNN's
convolutions) in float32; channels-last under torch.autocast("cpu", bfloat16), PyTorch's mixed precision, which
runs convolutions and linear layers in bfloat16. Prints one JSON object: {mode: {network: {train, infer}}}.
Usage: python3 torch_cnn.py THREADS BATCH INFER_BATCH [STEPS WARMUP]  (training steps timed and not; default 8, 2;
STEPS 0 times inference only, "train" is then null)

Training in turns with the bench's own figures (scripts/bench/_turn_protocol.ts):
python3 torch_cnn.py turns THREADS BATCH NETWORK MODE SECONDS UNTIMED WARMUP WARM_SECONDS  (NETWORK "four_conv" or
"best") builds one model, runs WARMUP untimed steps and on until WARM_SECONDS have passed, prints "@turn ready", then
for each line it reads on stdin runs UNTIMED untimed steps, trains for SECONDS and prints
'@turn {"steps": n, "ms": total}' (the steps that ended inside those seconds); it exits when stdin closes, and on a
failure prints "error: " and its message to stderr.
"""

import json
import sys
import time

import torch
from torch import nn


class PixelPowers(nn.Module):
    """The pixels and a noise-suppressed power of them as channels (lib/networks/layers.ts)."""

    def __init__(self, exponents):
        super().__init__()
        self.exponents = exponents

    def forward(self, x):
        return torch.cat([x.clamp(min=0) ** e if e != 1 else x for e in self.exponents], dim=1)


def conv_blocks(widths, in_channels, pool_last):
    layers = []
    c = in_channels
    for b, w in enumerate(widths):
        layers += [
            nn.Conv2d(c, w, 3, padding=1), nn.ReLU(), nn.Conv2d(w, w, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(w),
        ]
        if b < len(widths) - 1 or pool_last:
            layers += [nn.MaxPool2d(2), nn.Dropout(0.05)]
        c = w
    return layers


def four_conv():
    return nn.Sequential(
        *conv_blocks([64, 128], 1, True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.125), nn.Linear(128, 100), nn.Dropout(0.25),
        nn.Linear(100, 10),
    )


def best():
    return nn.Sequential(
        PixelPowers([1, 16]), *conv_blocks([48, 96, 192], 2, False),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.125), nn.Linear(192, 10),
    )


MODES = {
    "nchw-f32": (torch.contiguous_format, False),
    "nhwc-f32": (torch.channels_last, False),
    "nhwc-bf16": (torch.channels_last, True),
}


NETWORKS = {"four_conv": four_conv, "best": best}

TURN_PREFIX = "@turn "  # scripts/bench/_turn_protocol.ts


def training_step(model, batch, mode):
    """One Adam step on a fixed random batch in `mode`, as a function; puts `model` in `mode`'s layout."""
    layout, bf16 = MODES[mode]
    model.to(memory_format=layout)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.rand(batch, 1, 28, 28).to(memory_format=layout)
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    model.train()
    return step


def rates(model, batch, infer_batch, mode, steps=8, warmup=2):
    layout, bf16 = MODES[mode]
    model = model.to(memory_format=layout)
    train = None
    if steps > 0:
        step = training_step(model, batch, mode)
        for _ in range(warmup):
            step()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        train = steps * batch / (time.perf_counter() - t0)
    model.eval()
    xi = torch.rand(infer_batch, 1, 28, 28).to(memory_format=layout)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        model(xi)
        t0 = time.perf_counter()
        for _ in range(3):
            model(xi)
        infer = 3 * infer_batch / (time.perf_counter() - t0)
    return train, infer


def turns(threads, batch, network, mode, seconds, untimed, warmup, warm_seconds):
    """Trains in turns as the module's description says."""
    if network not in NETWORKS or mode not in MODES:
        raise ValueError(
            f"unknown network {network!r} or mode {mode!r}; expected one of {list(NETWORKS)} and {list(MODES)}"
        )
    if not (batch > 0 and seconds > 0):
        raise ValueError(f"batch {batch} and seconds {seconds} must be positive")
    if untimed < 0:
        raise ValueError(f"untimed steps {untimed} must be 0 or more")
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    step = training_step(NETWORKS[network](), batch, mode)
    start, done = time.perf_counter(), 0
    while done < warmup or time.perf_counter() - start < warm_seconds:
        step()
        done += 1
    print(f"{TURN_PREFIX}ready", flush=True)
    for _ in sys.stdin:
        for _untimed in range(untimed):
            step()
        t0 = time.perf_counter()
        end, steps, last = t0 + seconds, 0, t0
        now = t0
        while now < end:
            step()
            now = time.perf_counter()
            if now <= end:
                steps, last = steps + 1, now
        print(TURN_PREFIX + json.dumps({"steps": steps, "ms": (last - t0) * 1000}), flush=True)


def main():
    if sys.argv[1:2] == ["turns"]:
        try:
            if len(sys.argv) != 10:
                raise ValueError(
                    "usage: torch_cnn.py turns THREADS BATCH NETWORK MODE SECONDS UNTIMED WARMUP WARM_SECONDS"
                )
            threads, batch, network, mode, seconds, untimed, warmup, warm_seconds = sys.argv[2:10]
            turns(
                int(threads), int(batch), network, mode, float(seconds), int(untimed), int(warmup), float(warm_seconds)
            )
        except Exception as e:  # noqa: BLE001 - reported to the bench, which names the process
            print(f"error: {e}", file=sys.stderr)
            sys.exit(1)
        return
    threads, batch, infer_batch = (int(v) for v in sys.argv[1:4])
    # Timed and untimed training steps: the same counts as ours when given (scripts/bench/train.ts passes them).
    steps, warmup = (int(v) for v in sys.argv[4:6]) if len(sys.argv) > 5 else (8, 2)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    out = {"torch": torch.__version__, "threads": threads}
    for mode in MODES:
        out[mode] = {}
        for name, build in NETWORKS.items():
            torch.manual_seed(1)
            train, infer = rates(build(), batch, infer_batch, mode, steps, warmup)
            out[mode][name] = {"train": train, "infer": infer}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
