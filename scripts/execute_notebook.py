"""Execute one notebook on the Deno kernel with Jupyter's own client (nbclient).

Used by `deno task notebooks`. Runs every cell in order, then proves the
notebook can be re-executed as people do it:
  1. in the same kernel, the setup cell and the first section run again, out of order;
  2. in a fresh kernel (a restart), the setup cell runs, then the last section.
On the first failing cell it prints the cell number, its section, its source and
the error, and exits 1. The executed copy (from the in-order run) is written to
the output path.

No kernel outlives this process: SIGTERM, SIGINT and SIGHUP kill the kernels it
started (their whole process group) and remove their connection files before it
exits with 128 + the signal's number; each kernel is started with
PR_SET_PDEATHSIG, so it is killed when this process ends in any other way (even
SIGKILL); and this process ends the same way when its parent (the Deno command
named by NOISY_DIGITS_PARENT_PID) is gone, through PR_SET_PDEATHSIG and a watch
of its parent pid.

usage: execute_notebook.py NOTEBOOK OUTPUT [--no-rerun]
"""
import asyncio
import ctypes
import os
import queue
import signal
import sys
import threading
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbclient.util import run_sync


CLIENTS = []  # the clients whose kernels this process started


def die_with_parent(sig):
    """Asks Linux to send `sig` to this process when its parent ends (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the parent watch and the signal handlers remain


def kernel_preexec():
    """Runs in each kernel process before it starts: it is killed when this executor ends."""
    die_with_parent(signal.SIGKILL)


def kill_kernels():
    for client in CLIENTS:
        km = getattr(client, "km", None)
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            for kill in (os.killpg, os.kill):  # the kernel leads its own session: its group is its processes
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        connection = getattr(km, "connection_file", None)
        if connection:
            try:
                os.remove(connection)
            except OSError:
                pass


def on_signal(signum, _frame):
    kill_kernels()
    os._exit(128 + signum)


def watch_parent():
    """Ends this process (as SIGTERM would) once the command that started it is gone."""
    parent = int(os.environ.get("NOISY_DIGITS_PARENT_PID") or os.getppid())
    die_with_parent(signal.SIGTERM)

    def gone():
        return os.getppid() != parent

    if gone():
        on_signal(signal.SIGTERM, None)

    def poll():
        while not gone():
            time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=poll, daemon=True).start()


def sections(nb):
    """Code-cell indices grouped by the '## ' markdown headings before them."""
    groups, title = [], "(top)"
    current = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            if current:
                groups.append((title, current))
            title, current = cell.source.lstrip()[3:].splitlines()[0].strip(), []
        elif cell.cell_type == "code":
            current.append(i)
    if current:
        groups.append((title, current))
    return groups


def section_of(nb, index):
    for title, cells in sections(nb):
        if index in cells:
            return title
    return "?"


def fail(nb, path, index, phase, err):
    cell = nb.cells[index]
    print(f"\n✗ {os.path.basename(path)}: cell {index + 1} (section '{section_of(nb, index)}') failed during {phase}", file=sys.stderr)
    print("---- cell source ----", file=sys.stderr)
    print(cell.source, file=sys.stderr)
    print("---- error ----", file=sys.stderr)
    print(str(err).strip()[-4000:], file=sys.stderr)
    sys.exit(1)


async def _drain(client, cell, index, wait):
    """Collects output messages the kernel published after reporting idle.

    The Deno kernel sometimes sends a cell's result just after its 'idle'
    status; nbclient stops listening at 'idle' and would drop it.
    """
    while True:
        try:
            msg = await asyncio.wait_for(client.kc.iopub_channel.get_msg(), timeout=wait)
        except (asyncio.TimeoutError, queue.Empty):
            return
        if msg["msg_type"] in ("execute_result", "display_data", "update_display_data", "stream", "error"):
            client.process_message(msg, cell, index)


def run_cells(client, nb, indices, path, phase):
    for i in indices:
        try:
            client.execute_cell(nb.cells[i], i)
            run_sync(_drain)(client, nb.cells[i], i, 0.15)
        except CellExecutionError as err:
            fail(nb, path, i, phase, err)


def main():
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    watch_parent()
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rerun = "--no-rerun" not in sys.argv
    src, out = args[0], args[1]
    nb = nbformat.read(src, as_version=4)
    workdir = os.path.dirname(os.path.abspath(src))
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if not code:
        print(f"✗ {src}: no code cell", file=sys.stderr)
        sys.exit(1)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "deno")

    t0 = time.time()
    client = NotebookClient(nb, kernel_name=kernel, timeout=None, resources={"metadata": {"path": workdir}})
    CLIENTS.append(client)
    with client.setup_kernel(preexec_fn=kernel_preexec):
        run_cells(client, nb, code, src, "the in-order run")
        executed = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
        t_run = time.time() - t0
        groups = sections(nb)
        if rerun:
            setup = code[0]
            first = groups[1][1] if len(groups) > 1 else groups[0][1]
            run_cells(client, nb, [setup] + [i for i in first if i != setup], src,
                      "re-execution of the first section (same kernel, out of order)")
    if rerun:
        last = groups[-1][1]
        fresh = NotebookClient(nb, kernel_name=kernel, timeout=None, resources={"metadata": {"path": workdir}})
        CLIENTS.append(fresh)
        with fresh.setup_kernel(preexec_fn=kernel_preexec):
            run_cells(fresh, nb, [code[0]] + [i for i in last if i != code[0]], src,
                      f"a fresh kernel: setup cell then the last section ('{groups[-1][0]}')")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = f"{out}.tmp-{os.getpid()}-{os.urandom(4).hex()}"  # the project's temporary name: removed if left
    nbformat.write(executed, tmp)
    os.replace(tmp, out)
    extra = f", re-execution checks {time.time() - t0 - t_run:.1f} s" if rerun else ""
    print(f"✓ {os.path.basename(src)}: {len(code)} code cells in {t_run:.1f} s{extra}")


if __name__ == "__main__":
    main()
