/**
 * train.py: the lab's training loop in PyTorch, for one process or many
 * (torchrun → DistributedDataParallel, gloo on CPU, nccl on GPU). It reads the
 * exported split (data.safetensors), shuffles and augments with the lab's own
 * random streams, starts from the lab's initial weights (init.safetensors) and
 * follows the run's settings: optimizer, LR schedule, weight decay, gradient
 * clipping, label smoothing, dropout schedules, validation in eval mode after
 * every epoch (and the lab's fixed sample of the training split, also in eval
 * mode: train_eval_loss), early stopping. With dropout off, its per-step losses are the
 * lab's (tested); dropout masks come from torch's generator and differ.
 */
import type { TrainingSettings } from '../train/settings.ts';
import type { DropoutSchedule } from '../nn/dropout-schedule.ts';
import { pyDocText, pyLiteral } from './python.ts';
import { LAB_RANDOM_PY } from './python-runtime.ts';
import { TRAIN_EVAL_SAMPLES, TRAIN_EVAL_STREAM } from '../train/train-eval.ts';

export interface ScheduledRate {
  /** Dotted module name in the model. */
  module: string;
  /** The attribute the schedule sets (p, rate, stddev). */
  attr: string;
  schedule: DropoutSchedule;
  min: number | null;
  max: number | null;
  maxExclusive: boolean;
}

export interface TrainPyOptions {
  title: string;
  settings: TrainingSettings;
  task: 'classification' | 'regression';
  schedules: ScheduledRate[];
}

export function trainPy(o: TrainPyOptions): string {
  const s = o.settings;
  const config = {
    epochs: s.epochs,
    batch_size: s.batch_size,
    optimizer: s.optimizer,
    lr_schedule: s.lr_schedule,
    weight_decay: s.weight_decay,
    grad_clip: s.grad_clip,
    seed: s.seed,
    augment: s.augment,
    early_stopping: s.early_stopping,
    label_smoothing: s.label_smoothing,
    task: o.task,
  };
  const schedules = o.schedules.map((r) => ({ module: r.module, attr: r.attr, schedule: r.schedule, min: r.min, max: r.max, max_exclusive: r.maxExclusive }));
  return `"""Train: ${pyDocText(o.title)}

Dropout Lab's training loop in PyTorch. One process:
    python train.py
Many processes (DistributedDataParallel; gloo on CPU, nccl on GPUs):
    torchrun --nproc_per_node 4 train.py
Each global batch is the lab's batch, split across the processes; gradients
are averaged so N processes train like one (BatchNorm sees its local rows).

Data: data.safetensors holds the lab's exact train/validation/test split, and
batches are shuffled and augmented with the lab's own random streams. Weights
start from init.safetensors, the lab's initial weights for this seed (use
--fresh-init for torch's initialisation). With dropout at 0 the per-step
losses match the lab's; dropout masks come from torch's generator.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import INPUT_SHAPE, NORMALIZER, TOKENS, Model, load_safetensors, save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# The run's training settings, as stored in the .dlab project.
CONFIG = ${pyLiteral(config)}

# Dropout schedules: (module, attribute, schedule, bounds), set before every step.
SCHEDULES = ${pyLiteral(schedules)}

# Random-stream purposes of the lab (engine/data/pipeline.ts, engine/train/train-eval.ts).
SHUFFLE_STREAM, AUGMENT_STREAM, TRAIN_EVAL_STREAM = 2, 3, ${TRAIN_EVAL_STREAM}
# Training samples re-measured in eval mode after every epoch (train_eval_loss: the gap without dropout's noise).
TRAIN_EVAL_SAMPLES = ${TRAIN_EVAL_SAMPLES}


${LAB_RANDOM_PY}

def scheduled_p(s, epoch, step, steps_per_epoch):
    """engine/nn/dropout-schedule.ts: the scheduled rate at this point of training."""
    epoch_time = step / steps_per_epoch if steps_per_epoch else epoch
    if s["type"] == "constant":
        return s["value"]
    if s["type"] in ("linear", "cosine"):
        t = step if "steps" in s else epoch_time
        f = min(max(t / (s.get("steps") or s.get("epochs") or 1), 0.0), 1.0)
        if s["type"] == "linear":
            return s["start"] + (s["end"] - s["start"]) * f
        return s["end"] + (s["start"] - s["end"]) * (1 + math.cos(math.pi * f)) / 2
    t = step if s.get("by") == "step" else math.floor(epoch_time)
    if "milestones" in s:
        p = s["start"]
        for at, value in s["milestones"]:
            if t >= at:
                p = value
        return p
    return s["start"] * s["gamma"] ** math.floor(t / s["step_size"])


def apply_schedules(model, epoch, step, steps_per_epoch):
    """Sets every scheduled rate; returns them by module name (the lab logs them per epoch)."""
    rates = {}
    for entry in SCHEDULES:
        p = scheduled_p(entry["schedule"], epoch, step, steps_per_epoch)
        if entry["min"] is not None:
            p = max(p, entry["min"])
        if entry["max"] is not None:
            p = min(p, entry["max"] - 1e-7 if entry["max_exclusive"] else entry["max"])
        setattr(model.get_submodule(entry["module"]), entry["attr"], p)
        rates[entry["module"]] = p
    return rates


def load_data(path):
    t = load_safetensors(path)
    splits = {}
    for name in ("train", "val", "test"):
        x, y = t[name + ".x"], t[name + ".y"]
        splits[name] = (x, y)
    return splits, float(t["feature_scale"].item())


def prepare(x, scale):
    """Stored features -> normalised float inputs, as the lab reads a batch."""
    if TOKENS:
        return x.long()
    x = x.float() * scale if scale != 1.0 else x.float()
    if NORMALIZER is None:
        return x
    mean = torch.tensor(NORMALIZER["mean"], dtype=torch.float32)
    std = torch.tensor(NORMALIZER["std"], dtype=torch.float32)
    shape = INPUT_SHAPE if NORMALIZER["group"] == 1 else (-1,) + (1,) * (len(INPUT_SHAPE) - 1)
    return (x - mean.reshape(shape)) / std.reshape(shape)


def augment(x, seed, epoch, index):
    """engine/data/pipeline.ts augmentInPlace: shifts, flips and noise from the lab's stream for this batch."""
    a = CONFIG["augment"]
    if TOKENS or not (a["shift"] or a["hflip"] or a["noise"]):
        return x
    x = x.numpy().copy()
    gen = LabStream(seed, AUGMENT_STREAM + 16 * index, epoch)
    n = x.shape[0]
    if len(INPUT_SHAPE) == 3 and (a["shift"] or a["hflip"]):
        u = gen.uniform(3 * n)
        s, (_, H, W) = a["shift"], INPUT_SHAPE
        for b in range(n):
            dy = int(math.floor(u[3 * b] * (2 * s + 1))) - s if s else 0
            dx = int(math.floor(u[3 * b + 1] * (2 * s + 1))) - s if s else 0
            src = x[b][:, :, ::-1] if a["hflip"] and u[3 * b + 2] < 0.5 else x[b]
            out = np.zeros_like(x[b])
            out[:, max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = src[:, max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
            x[b] = out
    if a["noise"]:
        x += gen.normal(x.size, 0.0, a["noise"]).reshape(x.shape)
    return torch.from_numpy(x)


def train_eval_sample(split, seed):
    """engine/train/train-eval.ts: the whole training split when small, else a fixed sample from the lab's stream."""
    x, y = split
    if len(y) <= TRAIN_EVAL_SAMPLES:
        return split
    rows = torch.from_numpy(LabStream(seed, TRAIN_EVAL_STREAM, 0).permutation(len(y))[:TRAIN_EVAL_SAMPLES])
    return x[rows], y[rows]


def loss_sum(out, y):
    """Summed per-sample loss (the lab averages over the global batch)."""
    if CONFIG["task"] == "classification":
        return F.cross_entropy(out, y, reduction="sum", label_smoothing=CONFIG["label_smoothing"])
    return F.mse_loss(out.reshape(y.shape), y, reduction="sum") / y[0].numel()


@torch.no_grad()
def evaluate(model, split, scale, device):
    """Mean loss and accuracy in eval mode (the article: dropout off for evaluation), then back to train mode."""
    x_all, y_all = split
    if len(y_all) == 0:
        return None, None
    was_training = model.training
    model.eval()
    bs = max(CONFIG["batch_size"], 256)
    total, correct = 0.0, 0
    for i in range(0, len(y_all), bs):
        x, y = prepare(x_all[i:i + bs], scale).to(device), y_all[i:i + bs].to(device)
        out = model(x)
        if CONFIG["task"] == "classification":
            total += F.cross_entropy(out, y, reduction="sum").item()
            correct += (out.argmax(-1) == y).sum().item()
        else:
            total += F.mse_loss(out.reshape(y.shape), y, reduction="sum").item() / y[0].numel()
    model.train(was_training)
    n = len(y_all)
    return total / n, (correct / n if CONFIG["task"] == "classification" else None)


def make_optimizer(params):
    o, wd = CONFIG["optimizer"], CONFIG["weight_decay"]
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], nesterov=o["nesterov"] and o["momentum"] > 0, weight_decay=wd)
    if o["type"] == "adam":
        return torch.optim.Adam(params, lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"], weight_decay=wd)
    return torch.optim.AdamW(params, lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"], weight_decay=wd)


def make_scheduler(opt):
    s = CONFIG["lr_schedule"]
    if s["type"] == "step":
        return torch.optim.lr_scheduler.StepLR(opt, s["step_size"], s["gamma"])
    if s["type"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, s.get("t_max") or CONFIG["epochs"], s["eta_min"])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    ap.add_argument("--data", default=os.path.join(HERE, "data.safetensors"))
    ap.add_argument("--init", default=os.path.join(HERE, "init.safetensors"), help="initial weights (the lab's, by default)")
    ap.add_argument("--fresh-init", action="store_true", help="use torch's initialisation seeded with the run's seed instead")
    ap.add_argument("--out", default="trained.safetensors", help="where to write the trained weights")
    ap.add_argument("--log", default=None, help="write per-step losses and epoch metrics to this JSON file")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()

    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    rank, world = 0, 1
    device = torch.device(args.device)
    if distributed:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)
    seed = CONFIG["seed"]
    torch.manual_seed(seed)  # the same fresh initialisation on every process
    model = Model()
    if not args.fresh_init:
        model.load_state_dict(load_safetensors(args.init), strict=True)
    torch.manual_seed(seed + 1 + rank)  # dropout masks: different on every process
    model.to(device).train()  # model.train(): dropout on while training
    net = DistributedDataParallel(model) if distributed else model
    splits, scale = load_data(args.data)
    x_train, y_train = splits["train"]
    train_eval_split = train_eval_sample(splits["train"], seed)
    opt = make_optimizer(model.parameters())
    sched = make_scheduler(opt)
    es = CONFIG["early_stopping"]
    bs, n = CONFIG["batch_size"], len(y_train)
    steps_per_epoch = (n + bs - 1) // bs
    log = {"step_losses": [], "epochs": []}
    best, best_epoch, bad, best_state, step = None, None, 0, None, 0
    for epoch in range(args.epochs):
        order = torch.from_numpy(LabStream(seed, SHUFFLE_STREAM, epoch).permutation(n))
        loss_total, correct = 0.0, 0
        for i in range(steps_per_epoch):
            apply_schedules(model, epoch, step, steps_per_epoch)
            rows = order[i * bs:(i + 1) * bs]
            x = augment(prepare(x_train[rows], scale), seed, epoch, i)
            y = y_train[rows]
            mine = torch.arange(rank, len(rows), world)  # this process's share of the global batch
            local = mine if len(mine) else torch.arange(0, 1)
            out = net(x[local].to(device))
            # Summed over my rows / global batch, times world: DDP's mean over processes gives the lab's batch mean.
            loss = loss_sum(out, y[local].to(device)) * (world / len(rows)) * (1.0 if len(mine) else 0.0)
            opt.zero_grad()
            loss.backward()
            if CONFIG["grad_clip"] is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), CONFIG["grad_clip"])
            opt.step()
            step += 1
            batch_loss = loss.detach() / world
            batch_correct = (out.argmax(-1) == y[local].to(device)).sum() if CONFIG["task"] == "classification" and len(mine) else torch.zeros((), device=device)
            if distributed:
                stats = torch.stack([batch_loss.float(), batch_correct.float()])
                dist.all_reduce(stats)
                batch_loss, batch_correct = stats[0], stats[1]
            lv = batch_loss.item()
            loss_total += lv * len(rows)
            correct += int(batch_correct.item())
            log["step_losses"].append(lv)
            if rank == 0:
                print(f"epoch {epoch + 1} step {step} loss {lv:.6f}", flush=True)
        if sched is not None:
            sched.step()
        val_loss, val_acc = evaluate(model, splits["val"], scale, device)
        train_eval_loss, train_eval_acc = evaluate(model, train_eval_split, scale, device)
        metrics = {"epoch": epoch + 1, "train_loss": loss_total / n, "train_accuracy": correct / n if CONFIG["task"] == "classification" else None,
                   "train_eval_loss": train_eval_loss, "train_eval_accuracy": train_eval_acc,
                   "val_loss": val_loss, "val_accuracy": val_acc, "lr": opt.param_groups[0]["lr"],
                   "dropout_p": apply_schedules(model, epoch, step - 1, steps_per_epoch)}
        log["epochs"].append(metrics)
        if rank == 0:
            print(json.dumps(metrics), flush=True)
        # Early stopping on the monitored validation metric (every process computes the same numbers).
        value = val_acc if es and es["monitor"] == "val_accuracy" else val_loss
        if value is not None:
            sign = 1 if es and es["monitor"] == "val_accuracy" else -1
            if best is None or sign * (value - best) > (es["min_delta"] if es else 0):
                best, best_epoch, bad = value, epoch + 1, 0
                if es and es["restore_best"]:
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                bad += 1
                if es and bad >= es["patience"]:
                    if rank == 0:
                        print(f"early stop after epoch {epoch + 1}: best epoch {best_epoch}", flush=True)
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    test_loss, test_acc = evaluate(model, splits["test"], scale, device)
    log["test"] = {"loss": test_loss, "accuracy": test_acc}
    log["best_epoch"] = best_epoch
    if rank == 0:
        print(json.dumps({"test_loss": test_loss, "test_accuracy": test_acc, "best_epoch": best_epoch}), flush=True)
        save_safetensors(model.state_dict(), args.out, {"format": "pytorch", "source": "dropout-lab train.py"})
        if args.log:
            with open(args.log, "w") as f:
                json.dump(log, f)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}
