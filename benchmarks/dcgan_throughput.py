"""Train-step throughput of the course's DCGAN training vs the TensorFlow DCGAN tutorial's.

::

    python benchmarks/dcgan_throughput.py [--batch 256] [--rounds 7] [--seconds 6]
                                          [--variants tutorial,course-tut-bf16,...] [--quick]
                                          [--out benchmarks/results/dcgan_throughput]

A full run takes 6-10 minutes on a 2-core CPU (longer when other processes keep it busy: it
waits for quiet, see below); ``--quick`` (batch 8, two variants, two short rounds) well under
a minute - a smoke test, its numbers mean little.

What runs (every variant at the same batch, on the same 4,000 bundled MNIST digits in [-1, 1]):

* ``tutorial`` (**A**, the baseline): the TF tutorial's model *and* loop
  (:mod:`_tutorial_dcgan`, https://www.tensorflow.org/tutorials/generative/dcgan: its networks,
  two ``Adam(1e-4)``, its ``@tf.function`` step with two tapes, its ``shuffle(60000).batch(256)``
  pipeline and Python loop over epochs; float32, TensorFlow's default threads, no XLA).
* ``course-tut-bf16`` (**C**, the headline): the *same architecture* (the tutorial's two
  networks, last layers in float32) trained by the course's step - :class:`gancourse.gan.GAN`
  through ``fit`` over :func:`gancourse.data.make_dataset` - with the course's CPU setting
  ``mixed_bfloat16`` (what ``python -m gancourse.train --mixed-precision`` picks on a CPU).
* ``course-tut-f32`` (**C32**): the same in float32: isolates what bfloat16 buys.
* ``course-bf16`` (**B**): the course's own DCGAN (``build_dcgan_generator(100, 64)`` /
  ``build_dcgan_discriminator(64)``: 4x4 kernels, no 7x7 stride-1 layer, about 3x fewer FLOPs
  per step) with the course's step in ``mixed_bfloat16``: what the course's *model* trains at -
  an architecture difference on top of the implementation's.
* ``tutorial-bf16`` (**D**, not a course variant): the tutorial's own step and loop with the
  ``mixed_bfloat16`` setting: what a one-pass (simultaneous-update) step gains from bfloat16.
* ``sgemm`` (not a GAN): ``tf.matmul`` of square float32 and bfloat16 matrices (n = 1024,
  2048, 4096; best n per round): the machine's measured matrix-multiply peak, measured in the
  same rounds as the steps.

More variants can be named with ``--variants`` as ``loop:arch:dtype[:xla][:tIxJ][:speK]``, e.g.
``course:tutorial:bf16:xla:t2x1:spe4`` (loop ``tutorial`` or ``course``; arch ``tutorial`` or
``course``; dtype ``f32`` or ``bf16``; ``xla``: ``jit_compile``; ``tIxJ``: intra-op I and
inter-op J threads; ``speK``: ``steps_per_execution=K``).  Only ``tutorial`` is the tutorial;
other ``tutorial:tutorial:...`` variants change the settings named in their key.

Method.  Every variant lives in its own worker process (mixed precision policies, thread pools
and XLA are process-wide), all started together, traced and warmed up (the tutorial for two
whole epochs, so that the retrace for its smaller last batch is not timed).  Each worker then
calibrates a block that lasts about ``--seconds`` and keeps it: a number of steps for the
course (one ``fit`` call, its set-up included), a number of *whole epochs* for the tutorial
loop (its epoch boundaries - iterator set-up and tear-down - included in proportion).  The
parent runs ``--rounds`` rounds; in each round every variant runs its block once, one at a time
(the others idle, blocked on a pipe), in an order rotated every round, so that slow phases of a
shared machine hit all variants alike.  Before each block the parent waits (up to
``--max-wait-s``) until other processes use fewer than ``--quiet-gate`` cores (from
``/proc/stat``), and re-runs a block (up to ``--retries`` times, keeping the least disturbed)
when they used more during it; every block records the cores its worker used, the cores other
processes used meanwhile and ``os.getloadavg()``.  Reported per variant: the median over rounds
of images/s (and steps/s, GFLOP/s, images per CPU-second of the worker - a cross-check that
is insensitive to other processes); between variants, the median over rounds of the
*per-round* ratio (paired: robust to load that drifts between rounds).

FLOPs are counted analytically: the multiply-accumulates of every Dense / Conv2D /
Conv2DTranspose layer per example, times 2, composed into a train step (forward passes, the
weight gradients, and the input gradients that backpropagation needs; element-wise work - batch
norm, activations, Adam - is not counted): :func:`step_flops`.  The course's step does more
arithmetic than the tutorial's on the same networks: it updates D first and then draws fresh
fakes for G's update (one more generator and discriminator forward pass per example, +27% for
the tutorial's networks), where the tutorial updates both from one forward pass.  GFLOP/s of a
variant = its FLOPs per block / the block's seconds; fraction of peak = that / the measured
float32 ``sgemm`` peak, and for the bfloat16 variants also / the bfloat16 ``tf.matmul`` peak
(their convolutions run on bfloat16 units, so above 100% of the float32 peak is possible).

Output: a report on stdout (also written to ``<out>.txt``) and ``<out>.json`` (every block's
measurements, configuration, provenance: command, git commit, CPU, threads, TensorFlow
version, date, load average).  The last line is ``ratio: X.XX``: the median over rounds of
images/s of C (the tutorial's architecture trained with the course's step and CPU settings) /
images/s of A (the tutorial's model and loop) - same architecture, same batch, same machine,
same run.  It is a speed ratio only: C computes in bfloat16 and updates alternately, A in
float32 and simultaneously (the report's "what differs" lists everything).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import selectors
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _p in (str(HERE), str(REPO)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

TAG = "@@ "  # prefix of the worker's protocol lines on stdout (anything else is ignored)
DEFAULT_VARIANTS = ("tutorial", "course-tut-bf16", "course-tut-f32", "course-bf16",
                    "tutorial-bf16")
HEADLINE = ("course-tut-bf16", "tutorial")
GEMM_SIZES = (1024, 2048, 4096)


# --------------------------------------------------------------------------------------------
# variants
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    key: str
    loop: str  # "tutorial": the tutorial's step and loop; "course": gancourse.gan.GAN.fit
    arch: str  # "tutorial" or "course" (build_dcgan_generator / build_dcgan_discriminator)
    dtype: str = "f32"  # "f32" or "bf16" (mixed_bfloat16)
    xla: bool = False
    intra: int = 0  # intra-op threads; 0: TensorFlow's default (the number of cores)
    inter: int = 0  # inter-op threads; 0: TensorFlow's default
    spe: int = 1  # steps_per_execution

    def describe(self) -> str:
        if self.loop == "gemm":
            return "tf.matmul, square float32 / bfloat16 matrices"
        loop = ("tutorial's loop and @tf.function step" if self.loop == "tutorial"
                else "course GAN.fit (alternating D, G updates)")
        arch = "tutorial's networks" if self.arch == "tutorial" else "course DCGAN (4x4 kernels)"
        threads = ("default threads" if not (self.intra or self.inter)
                   else f"threads {self.intra or 'default'}x{self.inter or 'default'}")
        return (f"{arch}, {loop}, {'mixed_bfloat16' if self.dtype == 'bf16' else 'float32'}, "
                f"{'XLA' if self.xla else 'no XLA'}, {threads}"
                + (f", steps_per_execution {self.spe}" if self.spe > 1 else ""))


NAMED = {
    "tutorial": Variant("tutorial", "tutorial", "tutorial"),
    "course-tut-bf16": Variant("course-tut-bf16", "course", "tutorial", "bf16"),
    "course-tut-f32": Variant("course-tut-f32", "course", "tutorial", "f32"),
    "course-bf16": Variant("course-bf16", "course", "course", "bf16"),
    "course-f32": Variant("course-f32", "course", "course", "f32"),
    "tutorial-bf16": Variant("tutorial-bf16", "tutorial", "tutorial", "bf16"),
    "sgemm": Variant("sgemm", "gemm", "-"),
}
LETTERS = {"tutorial": "A", "course-tut-bf16": "C", "course-tut-f32": "C32", "course-bf16": "B",
           "course-f32": "B32", "tutorial-bf16": "D"}


def parse_variant(text: str) -> Variant:
    """A name of :data:`NAMED` or ``loop:arch:dtype[:xla][:tIxJ][:speK]``."""
    text = text.strip()
    if text in NAMED:
        return NAMED[text]
    parts = text.split(":")
    if len(parts) < 3:
        raise ValueError(f"variant {text!r}: expected one of {sorted(NAMED)} or "
                         "loop:arch:dtype[:xla][:tIxJ][:speK]")
    loop, arch, dtype, *opts = parts
    if loop not in ("tutorial", "course") or arch not in ("tutorial", "course") \
            or dtype not in ("f32", "bf16"):
        raise ValueError(f"variant {text!r}: loop and arch must be tutorial|course, dtype f32|bf16")
    v = Variant(text, loop, arch, dtype)
    for opt in opts:
        if opt == "xla":
            v = replace(v, xla=True)
        elif opt.startswith("t") and "x" in opt:
            i, j = opt[1:].split("x")
            v = replace(v, intra=int(i), inter=int(j))
        elif opt.startswith("spe"):
            v = replace(v, spe=int(opt[3:]))
        else:
            raise ValueError(f"variant {text!r}: unknown option {opt!r}")
    if loop == "tutorial" and (arch != "tutorial" or v.spe != 1):
        raise ValueError(f"variant {text!r}: the tutorial loop runs the tutorial's networks, "
                         "one step per call")
    if v.spe < 1:
        raise ValueError(f"variant {text!r}: steps_per_execution must be >= 1")
    return v


# --------------------------------------------------------------------------------------------
# FLOP accounting
# --------------------------------------------------------------------------------------------
def layer_macs(model) -> list[tuple[str, int]]:
    """Multiply-accumulates per example of every Dense / Conv2D / Conv2DTranspose layer.

    Dense ``in * out``; Conv2D ``out_h * out_w * k_h * k_w * c_in * c_out``; Conv2DTranspose
    ``in_h * in_w * k_h * k_w * c_in * c_out`` (every input pixel scattered through the whole
    kernel).  Bias, batch norm and activations are not counted.
    """
    from keras import layers

    out = []
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            out.append((layer.name, int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])))
        elif isinstance(layer, layers.Conv2DTranspose):
            _, h, w, c_in = layer.input.shape
            kh, kw, c_out, _ = layer.kernel.shape
            out.append((layer.name, int(h * w * kh * kw * c_in * c_out)))
        elif isinstance(layer, layers.Conv2D):
            _, h, w, c_out = layer.output.shape
            kh, kw, c_in, _ = layer.kernel.shape
            out.append((layer.name, int(h * w * kh * kw * c_in * c_out)))
    return out


def step_flops(loop: str, g_macs: list[int], d_macs: list[int], n_real: int, n_fake: int) -> int:
    """FLOPs (2 x multiply-accumulates) of one train step.

    With ``Gf``, ``Df`` the forward MACs per example of G and D and ``g1``, ``d1`` those of
    their first layers: a weight gradient costs as much as the forward layer, an input gradient
    too (none for a network's first layer unless the gradient must flow into its input).

    * tutorial (one forward pass, two tapes): fakes ``Gf + Df`` forward, G's tape ``Df`` (D's
      input gradients) ``+ Gf + (Gf - g1)``, D's tape ``Df + (Df - d1)``; reals ``Df`` forward
      ``+ Df + (Df - d1)``.
    * course (D update, then G update on fresh fakes): D phase ``Gf`` + for reals and fakes
      ``Df + Df + (Df - d1)``; G phase ``Gf + Df + Df + Gf + (Gf - g1)``.
    """
    gf, g1, df, d1 = sum(g_macs), g_macs[0], sum(d_macs), d_macs[0]
    real = n_real * (df + df + (df - d1))
    if loop == "tutorial":
        fake = n_fake * (gf + df + df + gf + (gf - g1) + df + (df - d1))
    else:
        fake = n_fake * (gf + df + df + (df - d1)) + n_fake * (gf + df + df + gf + (gf - g1))
    return 2 * (real + fake)


# --------------------------------------------------------------------------------------------
# the worker (one variant, one process)
# --------------------------------------------------------------------------------------------
def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) this process has used."""
    t = os.times()
    return t.user + t.system


class MachineLoad:
    """CPU time the whole machine spent busy, from ``/proc/stat`` (Linux; else unknown).

    The parent samples it around each measurement; minus the worker's own CPU time that gives
    the *foreign* load (other processes) during the measurement, in cores.  :meth:`wait_quiet`
    holds a measurement back while other processes keep the machine busy.
    """

    def __init__(self):
        self.ncpu = os.cpu_count() or 1
        self.hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def busy_s(self) -> float | None:
        try:
            with open("/proc/stat") as f:
                vals = [int(v) for v in f.readline().split()[1:9]]
        except (OSError, ValueError):
            return None
        return (sum(vals) - vals[3] - vals[4]) / self.hz  # all but idle and iowait

    def foreign_cores(self, busy0, busy1, seconds: float, own_cpu_s: float) -> float | None:
        if busy0 is None or busy1 is None or seconds <= 0:
            return None
        return max(0.0, (busy1 - busy0) - own_cpu_s) / seconds

    def wait_quiet(self, gate_cores: float, max_wait_s: float, probe_s: float = 1.0) -> dict:
        """Wait (at most ``max_wait_s``) until other processes use < ``gate_cores`` cores over
        ``probe_s``; returns the wait and the last load seen.  Call only while every worker
        idles (their own CPU use would count as foreign)."""
        t0 = time.perf_counter()
        load = None
        while True:
            b0 = self.busy_s()
            if b0 is None:
                return {"waited_s": 0.0, "foreign_cores": None}
            time.sleep(probe_s)
            load = self.foreign_cores(b0, self.busy_s(), probe_s, 0.0)
            waited = time.perf_counter() - t0
            if load < gate_cores or waited >= max_wait_s:
                return {"waited_s": waited, "foreign_cores": load}


def _say(**msg) -> None:
    sys.stdout.write(TAG + json.dumps(msg) + "\n")
    sys.stdout.flush()


def _bundled_images(n_train: int):
    from gancourse.data import load_mnist, prepare_mnist

    return prepare_mnist(load_mnist("train", limit=n_train, source="bundled")[0])


def worker(spec: dict) -> int:
    """Build one variant, warm it up, then serve ``run N`` / ``quit`` lines from stdin."""
    v = Variant(**spec["variant"])
    batch, n_train = int(spec["batch"]), int(spec["train_images"])
    import tensorflow as tf

    if v.intra:
        tf.config.threading.set_intra_op_parallelism_threads(v.intra)
    if v.inter:
        tf.config.threading.set_inter_op_parallelism_threads(v.inter)
    import keras

    keras.utils.set_random_seed(int(spec.get("seed", 0)))
    info = {"tensorflow": tf.__version__, "keras": keras.__version__, "pid": os.getpid(),
            "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads()}

    if v.loop == "gemm":
        mats = {}
        for dt in (tf.float32, tf.bfloat16):
            for n in GEMM_SIZES:
                a = tf.cast(tf.random.normal((n, n)), dt)
                b = tf.cast(tf.random.normal((n, n)), dt)
                mats[(dt.name, n)] = (a, b)
        matmul = tf.function(lambda a, b: tf.reduce_sum(tf.cast(tf.matmul(a, b), tf.float32)))
        for a, b in mats.values():
            matmul(a, b).numpy()

        def run(seconds: float) -> dict:
            out = {}
            share = seconds / len(mats)
            for (name, n), (a, b) in mats.items():
                reps = max(1, int(share * (2e11 if name == "float32" else 6e11) / (2 * n ** 3)))
                t0 = time.perf_counter()
                for _ in range(reps):
                    matmul(a, b).numpy()
                dt_ = time.perf_counter() - t0
                out[f"{name}_{n}"] = 2 * n ** 3 * reps / dt_ / 1e9
            for name in ("float32", "bfloat16"):
                out[f"{name}_peak"] = max(out[f"{name}_{n}"] for n in GEMM_SIZES)
            return out

        _say(event="ready", info=info, flops_per_step=None)
        for line in sys.stdin:
            cmd = line.split()
            if not cmd or cmd[0] == "quit":
                break
            if cmd[0] in ("calibrate", "run"):
                la = os.getloadavg()[0]
                c0, t0 = _cpu_s(), time.perf_counter()
                res = run(float(cmd[1]))
                _say(event=cmd[0], gflops=res, seconds=time.perf_counter() - t0,
                     cpu_s=_cpu_s() - c0, load1=la)
        return 0

    import _tutorial_dcgan as T

    from gancourse import gan as G

    x = _bundled_images(n_train)
    if v.loop == "tutorial":
        # "tutorial" itself: float32, default threads, no XLA; other tutorial-loop variants
        # (exploration only) change just the settings named in their key.
        keras.mixed_precision.set_global_policy("mixed_bfloat16" if v.dtype == "bf16"
                                                else "float32")
        try:
            tut = T.TutorialGAN(T.build_generator(float32_outputs=v.dtype == "bf16"),
                                T.build_discriminator(float32_outputs=v.dtype == "bf16"),
                                batch_size=batch)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        if v.xla:
            tut.train_step = tf.function(tut._train_step, jit_compile=True)
        gen, disc = tut.generator, tut.discriminator
        dataset = T.make_dataset(x, batch)

        def block(n: int) -> dict:
            """``n`` whole epochs of the tutorial's loop: ``for image_batch in dataset``."""
            out = {"steps": 0, "images": 0, "flops": 0, "pipeline_s": 0.0}
            for _ in range(n):
                t0 = time.perf_counter()
                it = iter(dataset)
                while True:
                    try:
                        b = next(it)
                    except StopIteration:
                        break
                    t1 = time.perf_counter()
                    out["pipeline_s"] += t1 - t0
                    tut.train_step(b)  # returns when the step is done (eager call)
                    out["steps"] += 1
                    out["images"] += int(b.shape[0])
                    out["flops"] += step_flops("tutorial", gm, dm, int(b.shape[0]), batch)
                    t0 = time.perf_counter()
                del it  # the end of the tutorial's inner for loop: the iterator is torn down
                out["pipeline_s"] += time.perf_counter() - t0
            return out

        unit, warm = "epoch", 2  # two whole epochs: both traces (full and last batch)
    else:
        policy = "mixed_bfloat16" if v.dtype == "bf16" else "float32"
        keras.mixed_precision.set_global_policy(policy)
        try:
            if v.arch == "tutorial":
                gen = T.build_generator(float32_outputs=True)
                disc = T.build_discriminator(float32_outputs=True)
                lr, beta_1 = T.LEARNING_RATE, 0.9
            else:
                gen = G.build_dcgan_generator(100, 64)
                disc = G.build_dcgan_discriminator(64)
                lr, beta_1 = 2e-4, 0.5
            gan = G.GAN(gen, disc, 100, seed=0)
            gan.compile(d_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1),
                        g_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1),
                        jit_compile=v.xla, steps_per_execution=v.spe)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        from gancourse.data import make_dataset

        ds = make_dataset(x, batch, shuffle=True, seed=0).repeat()

        def block(n: int) -> dict:
            """``n`` steps: one ``fit`` call (its set-up included)."""
            gan.fit(ds, epochs=1, steps_per_epoch=n, verbose=0, shuffle=False)
            return {"steps": n, "images": n * batch,
                    "flops": n * step_flops("course", gm, dm, batch, batch), "pipeline_s": None}

        unit, warm = "step", 3 * v.spe
    gm = [m for _, m in layer_macs(gen)]
    dm = [m for _, m in layer_macs(disc)]
    t0 = time.perf_counter()
    block(warm)
    info["warmup_s"] = time.perf_counter() - t0
    info["warmup_units"], info["unit"] = warm, unit
    info["g_layer_macs"] = layer_macs(gen)
    info["d_layer_macs"] = layer_macs(disc)
    info["params"] = int(gen.count_params() + disc.count_params())
    _say(event="ready", info=info,
         flops_per_step=step_flops(v.loop, gm, dm, batch, batch))
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        la = os.getloadavg()[0]
        if cmd[0] == "calibrate":  # how many units fill the given seconds, kept from now on
            target = float(cmd[1])
            n = v.spe if unit == "step" else 1
            while True:
                t0 = time.perf_counter()
                block(n)
                dt = time.perf_counter() - t0
                if dt > min(1.0, target / 3) or n >= 10_000:
                    break
                n *= 2
            rate = n / dt
            if unit == "step":
                units = max(int(spec.get("min_steps", 2)), round(target * rate / v.spe) * v.spe)
            else:  # whole epochs, at least one
                units = max(1, round(target * rate))
            _say(event="calibrate", units=units, unit=unit, units_per_s=rate, load1=la)
        elif cmd[0] == "run":
            c0, t0 = _cpu_s(), time.perf_counter()
            out = block(int(cmd[1]))
            dt, cpu = time.perf_counter() - t0, _cpu_s() - c0
            _say(event="run", **out, seconds=dt, cpu_s=cpu, load1=la)
    return 0


# --------------------------------------------------------------------------------------------
# the parent
# --------------------------------------------------------------------------------------------
class Worker:
    """A worker process (this script, or another, run with ``--_worker SPEC``) and its pipes.

    The worker answers one ``@@ {json}`` line per command line it reads; everything else it
    prints is ignored, its stderr goes to a file in ``log_dir`` (quoted when it dies).
    """

    def __init__(self, key: str, spec: dict, log_dir: Path, script: Path | None = None,
                 extra_env: dict | None = None):
        self.key = key
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
               "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.stderr_path = log_dir / f"worker-{key.replace(':', '_')}.stderr"
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, str(script or Path(__file__).resolve()), "--_worker",
             json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
            cwd=str(REPO), env=env)
        self.ready: dict | None = None

    def read(self, timeout: float = 900.0) -> dict:
        deadline = time.monotonic() + timeout
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise RuntimeError(f"worker {self.key}: no answer in {timeout:.0f} s")
                line = self.proc.stdout.readline()
                if not line:
                    self.proc.wait(timeout=10)
                    tail = self.stderr_path.read_text()[-3000:]
                    raise RuntimeError(f"worker {self.key} exited "
                                       f"(rc {self.proc.returncode}):\n{tail}")
                if line.startswith(TAG):
                    return json.loads(line[len(TAG):])
        finally:
            sel.close()

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            self._stderr.close()


def _median(values):
    values = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.median(values) if values else float("nan")


def _git_state() -> dict:
    from gancourse.provenance import git

    status = git("status", "--porcelain")
    return {"commit": (git("rev-parse", "HEAD") or "").strip() or None,
            "dirty": None if status is None else bool(status.strip()),
            "dirty_paths": None if status is None else sorted(
                line[3:] for line in status.splitlines() if line.strip())[:50]}


def provenance(argv: list[str], load_start, load_end, worker_info: dict,
               script: str | None = None) -> dict:
    from importlib import metadata

    from gancourse.provenance import cpu_model

    def version(pkg):
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return None

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "command": shlex.join(["python", "benchmarks/" + (script or Path(__file__).name), *argv]),
        "python_executable": sys.executable,
        "date_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "git": _git_state(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": version("tensorflow"),
        "keras": version("keras"),
        "numpy": version("numpy"),
        "tf_enable_onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(default: on)"),
        "threads": {k: {"intra_op": w.get("intra_op_threads"), "inter_op": w.get("inter_op_threads")}
                    for k, w in worker_info.items()},
        "threads_note": "per worker; 0 = TensorFlow's default (one thread per usable core)",
        "load_avg_start": list(load_start),
        "load_avg_end": list(load_end),
    }


def run_benchmark(args, argv: list[str]) -> dict:
    variants = [parse_variant(v) for v in args.variants.split(",") if v.strip()]
    keys = [v.key for v in variants]
    if len(set(keys)) != len(keys):
        raise SystemExit("--variants names a variant twice")
    if "tutorial" not in keys:
        raise SystemExit("--variants must include the baseline 'tutorial'")
    if not args.no_gemm:
        variants.append(NAMED["sgemm"])
    load_start = os.getloadavg()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    log_dir = Path(tempfile.mkdtemp(prefix="dcgan_throughput_"))  # workers' stderr
    t_start = time.perf_counter()
    workers = []
    for v in variants:  # started together: their imports and tracing overlap
        spec = {"variant": asdict(v), "batch": args.batch, "train_images": args.train_images,
                "min_steps": args.min_steps, "seed": 0}
        w = Worker(v.key, spec, log_dir)
        w.variant = v
        workers.append(w)
    try:
        for w in workers:
            w.ready = w.read()
            print(f"  ready: {w.variant.key} (warm-up {w.ready['info'].get('warmup_s', 0):.1f} s)",
                  file=sys.stderr, flush=True)
        calib = {}
        for w in workers:  # one at a time: the others idle
            calib[w.variant.key] = w.ask(f"calibrate {args.seconds}")
        rounds: list[dict[str, dict]] = []
        machine = MachineLoad()
        for r in range(args.rounds):
            order = workers[r % len(workers):] + workers[:r % len(workers)]
            this = {}
            for w in order:
                attempts = []
                for _ in range(1 + (args.retries if args.quiet_gate > 0 else 0)):
                    gate = (machine.wait_quiet(args.quiet_gate, args.max_wait_s)
                            if args.quiet_gate > 0 else {"waited_s": 0.0, "foreign_cores": None})
                    b0 = machine.busy_s()
                    m = w.ask(f"run {args.seconds}" if w.variant.loop == "gemm"
                              else f"run {calib[w.variant.key]['units']}")
                    m["foreign_cores"] = machine.foreign_cores(b0, machine.busy_s(),
                                                               m["seconds"], m["cpu_s"])
                    m["waited_s"] = gate["waited_s"]
                    m["foreign_cores_before"] = gate["foreign_cores"]
                    attempts.append(m)
                    if m["foreign_cores"] is None or m["foreign_cores"] < args.quiet_gate:
                        break
                # keep the least disturbed attempt (others' load only ever slows a block down)
                best = min(attempts, key=lambda a: a["foreign_cores"] or 0.0)
                best["attempts"] = len(attempts)
                this[w.variant.key] = best
            rounds.append(this)
            print(f"  round {r + 1}/{args.rounds} done, load {os.getloadavg()[0]:.2f}",
                  file=sys.stderr, flush=True)
    finally:
        for w in workers:
            w.close()
    shutil.rmtree(log_dir, ignore_errors=True)  # kept when a worker failed (the error names it)
    load_end = os.getloadavg()
    return summarise(args, argv, variants, workers, calib, rounds, load_start, load_end,
                     time.perf_counter() - t_start)


def summarise(args, argv, variants, workers, calib, rounds, load_start, load_end,
              wall_s) -> dict:
    info = {w.variant.key: w.ready["info"] for w in workers}
    gemm = None
    if any(v.loop == "gemm" for v in variants):
        per = [r["sgemm"]["gflops"] for r in rounds]
        gemm = {"per_round": per,
                "float32_peak_gflops": _median([p["float32_peak"] for p in per]),
                "bfloat16_peak_gflops": _median([p["bfloat16_peak"] for p in per]),
                "sizes": list(GEMM_SIZES)}
    res_variants = {}
    variants_by_key = {v.key: v for v in variants}
    for v in variants:
        if v.loop == "gemm":
            continue
        runs = [r[v.key] for r in rounds]
        ips = [m["images"] / m["seconds"] for m in runs]
        sps = [m["steps"] / m["seconds"] for m in runs]
        gfs = [m["flops"] / m["seconds"] / 1e9 for m in runs]
        entry = {
            **asdict(v), "letter": LETTERS.get(v.key), "description": v.describe(),
            "policy": "mixed_bfloat16" if v.dtype == "bf16" else "float32",
            "steps_per_measurement": runs[0]["steps"],
            "unit": calib[v.key].get("unit"), "units_per_measurement": calib[v.key].get("units"),
            "images_per_s": {"median": _median(ips), "min": min(ips), "max": max(ips),
                             "overall": (sum(m["images"] for m in runs)
                                         / sum(m["seconds"] for m in runs)),
                             "per_round": ips},
            "steps_per_s": {"median": _median(sps), "per_round": sps},
            "gflop_per_step": w_flops(workers, v.key) / 1e9,
            "gflops": {"median": _median(gfs), "per_round": gfs},
            "load1_per_round": [m["load1"] for m in runs],
            "cpu_cores_used": {"median": _median([m["cpu_s"] / m["seconds"] for m in runs]),
                               "per_round": [m["cpu_s"] / m["seconds"] for m in runs]},
            "foreign_cores": {"median": _median([m.get("foreign_cores") for m in runs]),
                              "per_round": [m.get("foreign_cores") for m in runs]},
            "images_per_cpu_s": {"median": _median([m["images"] / m["cpu_s"] for m in runs]),
                                 "per_round": [m["images"] / m["cpu_s"] for m in runs]},
            "waited_s_per_round": [m.get("waited_s") for m in runs],
            "pipeline_s_per_round": [m.get("pipeline_s") for m in runs],
            "attempts_per_round": [m.get("attempts", 1) for m in runs],
            "warmup_s": info[v.key].get("warmup_s"),
            "params": info[v.key].get("params"),
            "g_layer_macs": info[v.key].get("g_layer_macs"),
            "d_layer_macs": info[v.key].get("d_layer_macs"),
        }
        if v.loop == "tutorial":  # the same blocks without the time spent in the data pipeline
            ips_steps = [m["images"] / (m["seconds"] - m["pipeline_s"]) for m in runs]
            entry["images_per_s_steps_only"] = {"median": _median(ips_steps),
                                                "per_round": ips_steps}
            entry["pipeline_fraction"] = _median([m["pipeline_s"] / m["seconds"] for m in runs])
            entry["pipeline_fraction_overall"] = (sum(m["pipeline_s"] for m in runs)
                                                  / sum(m["seconds"] for m in runs))
        if gemm:
            entry["fraction_of_f32_peak"] = entry["gflops"]["median"] / gemm["float32_peak_gflops"]
            if v.dtype == "bf16":
                entry["fraction_of_bf16_peak"] = (entry["gflops"]["median"]
                                                  / gemm["bfloat16_peak_gflops"])
        res_variants[v.key] = entry
    ratios = {}
    for v in variants:
        if v.loop == "gemm" or v.key == "tutorial":
            continue
        per = [r[v.key]["images"] / r[v.key]["seconds"]
               / (r["tutorial"]["images"] / r["tutorial"]["seconds"]) for r in rounds]
        per_cpu = [r[v.key]["images"] / r[v.key]["cpu_s"]
                   / (r["tutorial"]["images"] / r["tutorial"]["cpu_s"]) for r in rounds]
        ratios[f"{v.key}/tutorial"] = {
            "median_of_per_round": _median(per), "per_round": per,
            "ratio_of_medians": (res_variants[v.key]["images_per_s"]["median"]
                                 / res_variants["tutorial"]["images_per_s"]["median"]),
            "ratio_of_best": (res_variants[v.key]["images_per_s"]["max"]
                              / res_variants["tutorial"]["images_per_s"]["max"]),
            # all kept blocks together (images / seconds): keeps the tutorial's occasional
            # input-pipeline stalls, which the medians mostly filter out
            "ratio_of_overall": (res_variants[v.key]["images_per_s"]["overall"]
                                 / res_variants["tutorial"]["images_per_s"]["overall"]),
            "per_cpu_second_median_of_per_round": _median(per_cpu)}
    for key in res_variants:  # against the tutorial's steps alone (its pipeline time removed)
        if key == "tutorial" or variants_by_key[key].loop == "gemm":
            continue
        ent = res_variants[key]
        mine = ent.get("images_per_s_steps_only", ent["images_per_s"])["per_round"]
        per = [a / b for a, b in zip(mine,
                                     res_variants["tutorial"]["images_per_s_steps_only"]["per_round"])]
        ratios[f"{key}/tutorial"]["vs_tutorial_steps_only_median_of_per_round"] = _median(per)
    if "course-tut-f32" in res_variants and "course-tut-bf16" in res_variants:
        per = [r["course-tut-bf16"]["images"] / r["course-tut-bf16"]["seconds"]
               / (r["course-tut-f32"]["images"] / r["course-tut-f32"]["seconds"]) for r in rounds]
        ratios["course-tut-bf16/course-tut-f32"] = {"median_of_per_round": _median(per),
                                                    "per_round": per}
    head_key = args.headline
    if head_key not in res_variants:  # e.g. a custom --variants list: its first non-baseline
        head_key = next((k for k in res_variants if k != "tutorial"), None)
        if head_key is None:
            raise SystemExit("--variants needs at least one variant besides 'tutorial'")
    headline = {
        "variant": head_key, "baseline": "tutorial",
        "ratio": ratios[f"{head_key}/tutorial"]["median_of_per_round"],
        "definition": (f"median over {len(rounds)} interleaved rounds of images/s({head_key}) / "
                       "images/s(tutorial), each round's pair measured back to back; batch "
                       f"{args.batch}, same machine, same run"),
    }
    return {
        "benchmark": "dcgan_throughput",
        "config": {"batch": args.batch, "rounds": len(rounds), "seconds_per_measurement":
                   args.seconds, "train_images": args.train_images, "quick": args.quick,
                   "quiet_gate_cores": args.quiet_gate, "max_wait_s": args.max_wait_s,
                   "retries": args.retries,
                   "data": f"first {args.train_images} of the bundled MNIST train split, "
                           "prepare_mnist (float32 in [-1, 1])",
                   "tutorial_url": "https://www.tensorflow.org/tutorials/generative/dcgan"},
        "variants": res_variants,
        "sgemm": gemm,
        "ratios": ratios,
        "headline": headline,
        "wall_s": wall_s,
        "provenance": provenance(argv, load_start, load_end, info),
    }


def w_flops(workers, key) -> float:
    for w in workers:
        if w.variant.key == key:
            return float(w.ready["flops_per_step"])
    raise KeyError(key)


def report(res: dict) -> str:
    p, c, g = res["provenance"], res["config"], res["sgemm"]
    V = res["variants"]
    lines = [
        f"DCGAN train-step throughput: the course's training vs the TensorFlow DCGAN tutorial's "
        f"(batch {c['batch']}, {c['train_images']} bundled MNIST digits)",
        f"machine: {p['cpu']}, {p['cpus_usable']} usable CPUs; TensorFlow {p['tensorflow']}, "
        f"Keras {p['keras']}; {p['date_utc']}; git {str(p['git']['commit'])[:10]}"
        f"{' (dirty)' if p['git']['dirty'] else ''}",
        f"load average (1/5/15 min): start {'/'.join(f'{x:.2f}' for x in p['load_avg_start'])},"
        f" end {'/'.join(f'{x:.2f}' for x in p['load_avg_end'])}",
        f"method: {c['rounds']} interleaved rounds (order rotated), one ~"
        f"{c['seconds_per_measurement']:g} s block per variant per round after warm-up (quiet "
        f"gate {c['quiet_gate_cores']:g} cores, {c['retries']} retries); medians over rounds",
    ]
    if g:
        lines.append(f"measured matmul peak (tf.matmul, best of n={'/'.join(map(str, g['sizes']))}"
                     f", median over rounds): float32 (sgemm) {g['float32_peak_gflops']:.0f} "
                     f"GFLOP/s, bfloat16 {g['bfloat16_peak_gflops']:.0f} GFLOP/s")
    lines.append("")
    lines.append(f"{'':4}{'img/s':>7}{'(min-max)':>12}{'steps/s':>8}{'GFLOP/step':>11}"
                 f"{'GFLOP/s':>8}{'%f32pk':>7}{'%bf16pk':>8}{'img/CPUs':>9}{'cores':>6}"
                 f"{'others':>7}  variant")
    for key, v in V.items():
        ips = v["images_per_s"]
        f32 = f"{100 * v['fraction_of_f32_peak']:.0f}%" if "fraction_of_f32_peak" in v else "-"
        b16 = f"{100 * v['fraction_of_bf16_peak']:.0f}%" if "fraction_of_bf16_peak" in v else "-"
        spread = "({:.0f}-{:.0f})".format(ips["min"], ips["max"])
        foreign = v["foreign_cores"]["median"]
        foreign = f"{foreign:.2f}" if math.isfinite(foreign) else "?"
        lines.append(f"{(v['letter'] or ''):4}{ips['median']:7.1f}{spread:>12}"
                     f"{v['steps_per_s']['median']:8.3f}{v['gflop_per_step']:11.1f}"
                     f"{v['gflops']['median']:8.1f}{f32:>7}{b16:>8}"
                     f"{v['images_per_cpu_s']['median']:9.1f}"
                     f"{v['cpu_cores_used']['median']:6.2f}{foreign:>7}  {key}")
    lines += [
        "",
        "img/s, steps/s, GFLOP/s: medians over rounds; %f32pk / %bf16pk: GFLOP/s over the "
        "measured",
        "float32 / bfloat16 matmul peak; img/CPUs: images per CPU-second of the worker; cores: "
        "cores it",
        "kept busy; others: cores other processes kept busy meanwhile (/proc/stat).",
    ]
    for key, v in V.items():
        if "images_per_s_steps_only" in v:
            lines.append(
                f"{key}: {100 * v['pipeline_fraction_overall']:.1f}% of its time in the input "
                f"pipeline (new iterator per epoch); all blocks together "
                f"{v['images_per_s']['overall']:.1f} img/s, its steps alone (median) "
                f"{v['images_per_s_steps_only']['median']:.1f} img/s")
    lines.append("")
    for key, v in V.items():
        lines.append(f"  {(v['letter'] or key)}: {v['description']}")
    lines += ["", "ratios of images/s, median of per-round ratios [ratio of medians; of bests; "
                  "of all blocks together;", f"{'':36}per CPU-second; vs the tutorial's steps "
                  "alone]:"]
    explain = {
        "course-tut-bf16/tutorial": "C/A, same architecture: the course's step and CPU settings "
                                    "vs the tutorial's loop (HEADLINE)",
        "course-tut-f32/tutorial": "C32/A, same architecture, both float32: the course's step vs "
                                   "the tutorial's",
        "course-bf16/tutorial": "B/A, the course's own (smaller) DCGAN vs the tutorial's: "
                                "architecture + implementation",
        "course-f32/tutorial": "the course's own DCGAN in float32 vs the tutorial's",
        "tutorial-bf16/tutorial": "D/A, not a course variant: the tutorial's one-pass step with "
                                  "mixed_bfloat16",
        "course-tut-bf16/course-tut-f32": "C/C32: what mixed_bfloat16 buys on the course's step",
    }
    for key, r in res["ratios"].items():
        extra = ""
        if "ratio_of_medians" in r:
            extra = (f"[{r['ratio_of_medians']:.2f}; {r['ratio_of_best']:.2f}; "
                     f"{r['ratio_of_overall']:.2f}; "
                     f"{r['per_cpu_second_median_of_per_round']:.2f}; "
                     f"{r['vs_tutorial_steps_only_median_of_per_round']:.2f}]")
        lines.append(f"  {key:32}{r['median_of_per_round']:6.2f}  {extra}")
        if key in explain:
            lines.append(f"      {explain[key]}")
    lines += [
        "",
        "what differs between A (tutorial) and the course's variants (C, C32, B):",
        "- the step: the course updates D, then G on fresh fakes (one more G and D forward pass "
        "per",
        "  example: see GFLOP/step); the tutorial updates both from one forward pass;",
        "- precision: C and B compute convolutions and matmuls in bfloat16 (float32 weights, "
        "float32",
        "  last layers, mixed_bfloat16); A and C32 in float32;",
        "- input: the course's make_dataset (whole-set shuffle, drop_remainder, prefetch, tf.data "
        "autotune",
        f"  off, repeated) through Keras fit; the tutorial's shuffle(60000).batch({c['batch']}) in "
        "a Python",
        "  loop, a new iterator every epoch (its epochs end with a smaller batch when the batch "
        "does not",
        "  divide the data; with autotune on, tearing an iterator down sometimes waits seconds "
        "for tf.data's",
        "  autotuner);",
        "- initialisation and optimizer settings (same cost): B uses the course's N(0, 0.02) "
        "kernels and",
        "  Adam(2e-4, beta_1=0.5); A, C, C32, D the tutorial's Keras defaults and Adam(1e-4).",
        "FLOPs: analytic multiply-adds x 2 of the Dense and convolution layers, forward and "
        "backward;",
        "element-wise work (batch norm, activations, casts, Adam) is not counted.",
        "",
        f"headline: {res['headline']['definition']}",
        f"ratio: {res['headline']['ratio']:.2f}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--_worker"]:
        return worker(json.loads(argv[1]))
    ap = argparse.ArgumentParser(
        prog="python benchmarks/dcgan_throughput.py",
        description=__doc__.split("\n\n")[0].strip(),
        epilog="Read the module docstring (head -90 benchmarks/dcgan_throughput.py) for the "
               "method; the last line printed is 'ratio: X.XX'.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=256, help="batch size of every variant (256)")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved measurement rounds (7)")
    ap.add_argument("--seconds", type=float, default=6.0,
                    help="target seconds of steps per variant per round (6)")
    ap.add_argument("--min-steps", type=int, default=2, help="fewest steps per measurement (2)")
    ap.add_argument("--train-images", type=int, default=4000,
                    help="bundled MNIST training digits used (4000)")
    ap.add_argument("--variants", default=",".join(DEFAULT_VARIANTS),
                    help=f"comma-separated variants (default {','.join(DEFAULT_VARIANTS)}); "
                         "see the docstring for loop:arch:dtype[:xla][:tIxJ][:speK]")
    ap.add_argument("--headline", default=HEADLINE[0],
                    help=f"variant whose ratio to 'tutorial' is the last line ({HEADLINE[0]})")
    ap.add_argument("--no-gemm", action="store_true", help="skip the matmul peak measurement")
    ap.add_argument("--quiet-gate", type=float, default=0.3,
                    help="before each measurement wait until other processes use fewer than "
                         "this many cores (0.3; 0 disables; Linux /proc/stat)")
    ap.add_argument("--max-wait-s", type=float, default=60.0,
                    help="longest wait for --quiet-gate per measurement (60 s)")
    ap.add_argument("--retries", type=int, default=2,
                    help="re-measure a block up to this many times when other processes used "
                         ">= --quiet-gate cores during it; the least disturbed one is kept (2)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test (<1 min): batch 8, 128 digits, 2 rounds of 0.5 s, "
                         "variants tutorial and course-tut-bf16")
    ap.add_argument("--out", default=None,
                    help="write <out>.txt and <out>.json (default benchmarks/results/"
                         "dcgan_throughput, or ..._quick with --quick)")
    args = ap.parse_args(argv)
    if args.quick:
        args.batch, args.train_images, args.rounds, args.seconds = 8, 128, 2, 0.5
        args.min_steps, args.quiet_gate = 1, 0.0
        if args.variants == ",".join(DEFAULT_VARIANTS):
            args.variants = "tutorial,course-tut-bf16"
    for name in ("batch", "rounds", "train_images", "min_steps"):
        if getattr(args, name) <= 0:
            ap.error(f"--{name.replace('_', '-')} must be positive")
    if args.seconds <= 0:
        ap.error("--seconds must be positive")
    if args.batch > args.train_images:
        ap.error("--batch must not exceed --train-images")
    if args.out is None:
        args.out = str(HERE / "results" / ("dcgan_throughput_quick" if args.quick
                                           else "dcgan_throughput"))
    res = run_benchmark(args, argv)
    text = report(res)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2) + "\n")
    out.with_suffix(".txt").write_text(text + "\n")
    print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
