"""Ray driver of scripts/ray-search: one Ray task per shard of a servesim search.

Each task runs `servesim search SEARCH --shard K/N` on whichever node Ray
places it, and returns the shard's store (search.sqlite) through Ray's object
store, so the nodes need no shared file system for the results; the driver
writes the stores under OUT/shards/K/ and runs `servesim search --merge`.
Every node needs the servesim binary and the search's files (search file,
model, workload, clusters, calibration stores) at the same absolute paths as
the driver: the stores record each file's path and hash, and the merge
refuses shards computed from other bytes.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy


def find_servesim(binary):
    """The servesim executable's path on this node, or None."""
    if os.path.sep in binary:
        return binary if os.access(binary, os.X_OK) else None
    return shutil.which(binary)


INSTALL = (
    "servesim is not on this node: build it (swift build -c release --product servesim) "
    "and put .build/release/servesim on PATH, or pass --servesim PATH naming it on every node"
)


@ray.remote(num_cpus=1)
def run_shard(binary, search, k, n, jobs):
    """Searches shard k/n on this node; returns (k, node, seconds, output, store bytes)."""
    path = find_servesim(binary)
    node = os.uname().nodename
    if path is None:
        raise RuntimeError(f"{node}: {INSTALL}")
    if not os.path.exists(search):
        raise RuntimeError(f"{node}: no search file {search} (the repository must be at the same path on every node)")
    started = time.time()
    with tempfile.TemporaryDirectory(prefix=f"servesim-shard-{k}-") as out:
        run = subprocess.run(
            [path, "search", search, "--shard", f"{k}/{n}", "--out", out, "--quiet", "--jobs", str(jobs)],
            capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"{node}: shard {k}/{n} exited {run.returncode}: {run.stderr.strip()}")
        with open(os.path.join(out, "search.sqlite"), "rb") as f:
            store = f.read()
    return k, node, time.time() - started, run.stdout.strip(), store


@ray.remote(num_cpus=0)
def check_node(binary):
    """(node, whether servesim runs there, its version or the error)."""
    node = os.uname().nodename
    path = find_servesim(binary)
    if path is None:
        return node, False, INSTALL
    run = subprocess.run([path, "--version"], capture_output=True, text=True)
    return node, run.returncode == 0, (run.stdout or run.stderr).strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("search")
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--address", default=None)
    parser.add_argument("--servesim", default="servesim")
    parser.add_argument("--jobs", type=int, default=1, help="plans simulated in parallel in each shard")
    args = parser.parse_args()
    search = os.path.abspath(args.search)
    local = find_servesim(args.servesim)
    if local is None:
        sys.exit(f"ray-search: {INSTALL}")
    ray.init(address=args.address, log_to_driver=False)
    # Every node that can take a task must run servesim.
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    checks = [
        check_node.options(
            scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)).remote(args.servesim)
        for n in nodes
    ]
    for node, ok, text in ray.get(checks):
        if not ok:
            sys.exit(f"ray-search: node {node}: {text}")
        print(f"node {node}: {text}", flush=True)
    started = time.time()
    pending = [run_shard.remote(args.servesim, search, k, args.shards, args.jobs) for k in range(1, args.shards + 1)]
    directories = {}
    done = 0
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        k, node, seconds, output, store = ray.get(ready[0])
        folder = os.path.join(args.out, "shards", str(k))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "search.sqlite"), "wb") as f:
            f.write(store)
        directories[k] = folder
        done += 1
        print(f"[{done}/{args.shards}] shard {k}/{args.shards} on {node} in {seconds:.1f} s "
              f"({time.time() - started:.1f} s elapsed): {output}", flush=True)
    ray.shutdown()
    merge = [local, "search", "--merge"] + [directories[k] for k in sorted(directories)] + ["--out", args.out, "--quiet"]
    print("merging: " + " ".join(merge), flush=True)
    sys.exit(subprocess.run(merge).returncode)


if __name__ == "__main__":
    main()
