"""Continue training the exported attn model in PyTorch, on one process or many.

    torchrun --nproc_per_node=N train.py [--steps N] [--out trained] [--data FILE.tsv] [--save-format safetensors|pt]
    python3 train.py --steps 100            # a single process works too

The same loss (cross-entropy over the target vocabulary, padding ignored, label smoothing as the
run configured it), optimizer (Adam / AdamW / SGD with the run's hyperparameters; its state —
Adam's moments and step counts, SGD's momentum — loaded from optimizer.safetensors when the export
has it), learning-rate schedule (continuing at the exported step), gradient clipping
(training.clipNorm) and batch size per process. Copy attention trains on the pointer-generator
mixture over each sentence's extended vocabulary; with coverage, training.coverageLoss adds See et
al.'s λ·Σ_t Σ_j min(a_t(j), c_t(j)) per target token. DistributedDataParallel: gloo on CPU, nccl on GPU;
each process takes every N-th batch of the same shuffled epoch, so the effective batch is
N × training.batchSize.

Writes OUT/ (default ./trained) after the last step and every --save-every steps, on rank 0:
model.safetensors (the state_dict, attn's names; with --save-format pt, model.pt from torch.save
instead, which `attn import` reads too), optimizer.safetensors (attn's names:
exp_avg.<param>, …), config.json, pipeline.json and trained.json (step, optimizer and schedule
state). `attn import --from pytorch OUT` turns it into an attn run folder.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from model import PAD, build_model, copy_batch, read_safetensors, write_safetensors  # noqa: E402
from tokenizer import TextPipeline  # noqa: E402


def read_pairs(path, swap):
    pairs = []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            s, t = cols[0], cols[1]
            pairs.append((t, s) if swap else (s, t))
    return pairs


def lr_at(spec, step, current):
    """The rate of the step-th update (1-based), as src/optim/schedules.ts; plateau keeps its current rate (train.py does not validate)."""
    kind = spec.get("kind")
    if kind == "constant":
        return spec["lr"]
    if kind == "step":
        return spec["lr"] * spec["gamma"] ** math.floor(max(step - 1, 0) / spec["stepSize"])
    if kind == "noam":
        return spec.get("factor", 1) * spec["dModel"] ** -0.5 * min(step ** -0.5, step * spec["warmup"] ** -1.5)
    if kind == "inverse_sqrt":
        return spec["peakLr"] * min(step / spec["warmup"], math.sqrt(spec["warmup"] / step))
    return current


def make_optimizer(params, named, opt_meta, config, lr):
    t = config["training"]
    kind = opt_meta["type"] if opt_meta else t["optimizer"]
    hyper = opt_meta["hyper"] if opt_meta else {}
    if kind in ("adam", "adamw"):
        betas = (hyper.get("beta1", t["betas"][0]), hyper.get("beta2", t["betas"][1]))
        cls = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
        return cls(params, lr=lr, betas=betas, eps=hyper.get("eps", 1e-8), weight_decay=hyper.get("weightDecay", t["weightDecay"]), amsgrad=hyper.get("amsgrad", False))
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=hyper.get("momentum", t["momentum"]), dampening=hyper.get("dampening", 0),
                               nesterov=hyper.get("nesterov", False), weight_decay=hyper.get("weightDecay", t["weightDecay"]))
    raise SystemExit(f"training.optimizer {kind!r}: not supported")


def load_optimizer_state(opt, named, path, opt_meta):
    buffers = read_safetensors(path)
    steps = opt_meta.get("paramSteps", {})
    for name, p in named:
        state = {}
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"):
            b = buffers.get(f"{key}.{name}")
            if b is not None:
                state[key] = b.reshape(p.shape).clone().to(p.device)
        if state:
            if "exp_avg" in state:
                state["step"] = torch.tensor(float(steps.get(name, opt_meta.get("stepCount", 0))))
            opt.state[p] = state


def optimizer_tensors(opt, named):
    out = {}
    for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"):
        for name, p in named:
            s = opt.state.get(p, {})
            if key in s and s[key] is not None:
                out[f"{key}.{name}"] = s[key].detach().cpu().float()
    return out


def save(out, model, opt, named, config, pipeline_path, step, lr, opt_meta, sched, losses, manifest, fmt="safetensors"):
    os.makedirs(out, exist_ok=True)
    state = {k: v.detach().float().contiguous().cpu() for k, v in model.state_dict().items()}
    if fmt == "pt":
        torch.save(state, os.path.join(out, "model.pt.tmp"))
        os.replace(os.path.join(out, "model.pt.tmp"), os.path.join(out, "model.pt"))
    else:
        write_safetensors(os.path.join(out, "model.safetensors"), state, {"format": "attn-checkpoint", "version": "1", "content": "model"})
    kind = opt_meta["type"] if opt_meta else config["training"]["optimizer"]
    write_safetensors(os.path.join(out, "optimizer.safetensors"), optimizer_tensors(opt, named),
                      {"format": "attn-checkpoint", "version": "1", "content": "optimizer", "optimizer": kind})
    param_steps = {}
    for name, p in named:
        s = opt.state.get(p, {})
        if "step" in s:
            param_steps[name] = int(float(s["step"]))
        elif s:
            param_steps[name] = step
    g = opt.param_groups[0]
    hyper = dict(opt_meta["hyper"]) if opt_meta else {}
    meta = {"type": kind, "lr": lr, "stepCount": step, "hyper": hyper, "paramSteps": param_steps}
    json.dump(config, open(os.path.join(out, "config.json"), "w", encoding="utf-8"), indent=2)
    with open(pipeline_path, encoding="utf-8") as f, open(os.path.join(out, "pipeline.json"), "w", encoding="utf-8") as g2:
        g2.write(f.read())
    json.dump({"format": "attn-pytorch-trained", "version": 1, "step": step, "optimizer": meta,
               "baseDir": manifest.get("baseDir"), "data": manifest.get("data"),
               "scheduler": {"spec": sched, "lastStep": step}, "losses": losses},
              open(os.path.join(out, "trained.json"), "w", encoding="utf-8"), indent=2)


def main():
    ap = argparse.ArgumentParser(description="continue training the exported attn model (torchrun-ready)")
    ap.add_argument("--steps", type=int, default=None, help="optimizer steps to take (default: up to training.maxSteps)")
    ap.add_argument("--out", default="trained", help="folder for the checkpoint (safetensors + config)")
    ap.add_argument("--data", default=None, help="training pairs, source<TAB>target (default: the run's data.train)")
    ap.add_argument("--save-every", type=int, default=0)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--save-format", choices=["safetensors", "pt"], default="safetensors", help="model.safetensors, or model.pt (torch.save of the state_dict)")
    args = ap.parse_args()

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    distributed = world > 1
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else "cpu")
    torch.set_num_threads(1) if distributed else None

    config = json.load(open(os.path.join(HERE, "config.json"), encoding="utf-8"))
    manifest = json.load(open(os.path.join(HERE, "export.json"), encoding="utf-8"))
    pipeline_path = os.path.join(HERE, "pipeline.json")
    pipeline = TextPipeline(pipeline_path)
    t = config["training"]
    data = args.data or manifest["data"].get("train")
    if not data or not os.path.isfile(data):
        raise SystemExit(f"train.py: training data {data!r} not found (export.json data.train); pass --data FILE.tsv")
    d = config["data"]
    pairs = read_pairs(data, d.get("swap", False))
    if d.get("limit"):
        pairs = pairs[: d["limit"]]
    copy = config["model"]["decoder"].get("copy", False)
    examples = []
    for s, tg in pairs:
        if copy:  # targets in the sentence's extended vocabulary, and its copy ids (src/data/copyVocab.ts)
            ids, oov = pipeline.copy_source(s)
            examples.append((pipeline.encode_source(s), pipeline.encode_target_copy(tg, oov), ids, len(oov)))
        else:
            examples.append((pipeline.encode_source(s), pipeline.encode_target(tg), None, 0))
    # The length limits (data.maxSrcLen / maxTgtLen, in tokens without </s>), as attn applies them to training pairs.
    max_src, max_tgt = d.get("maxSrcLen"), d.get("maxTgtLen")
    examples = [e for e in examples if (not max_src or len(e[0]) - 1 <= max_src) and (not max_tgt or len(e[1]) - 2 <= max_tgt)]
    coverage_loss = t.get("coverageLoss", 0.0) if config["model"]["attention"].get("coverage", False) else 0.0

    seed = args.seed if args.seed is not None else config["seed"]
    torch.manual_seed(seed + rank)
    model = build_model(config, len(pipeline.src_vocab), len(pipeline.tgt_vocab)).to(device)
    model.load_state_dict(read_safetensors(os.path.join(HERE, "model.safetensors")), strict=True)
    model.train()
    named = [(n, p) for n, p in model.named_parameters()]
    opt_meta = manifest.get("optimizer")
    sched = (manifest.get("scheduler") or {}).get("spec") or {"kind": "constant", "lr": t["lr"]}
    step = manifest.get("step", 0)
    lr = opt_meta["lr"] if opt_meta else t["lr"]
    opt = make_optimizer([p for _, p in named], named, opt_meta, config, lr)
    opt_path = os.path.join(HERE, "optimizer.safetensors")
    if opt_meta and os.path.isfile(opt_path):
        load_optimizer_state(opt, named, opt_path, opt_meta)
    net = torch.nn.parallel.DistributedDataParallel(model) if distributed else model
    spans = [m for m in model.modules() if hasattr(m, "span_loss")]  # adaptive spans: their loss, z clamped to [0, 1]

    steps = args.steps if args.steps is not None else max(0, t["maxSteps"] - step)
    eps = manifest.get("labelSmoothing", 0.0)
    B = t["batchSize"]
    clip = t.get("clipNorm", 0)
    log_every = max(1, t.get("logEvery", 50))
    rng = random.Random(seed)
    losses = []
    done, epoch = 0, 0
    started = time.time()
    while done < steps:
        order = list(range(len(examples)))
        rng.shuffle(order)
        batches = [order[i:i + B] for i in range(0, len(order), B)]
        batches = batches[: len(batches) - len(batches) % world] if len(batches) >= world else batches * world
        for i in range(rank, len(batches), world):
            if done >= steps:
                break
            batch = [examples[j] for j in batches[i]]
            S = max(len(e[0]) for e in batch)
            T = max(len(e[1]) - 1 for e in batch)
            src = torch.tensor([e[0] + [PAD] * (S - len(e[0])) for e in batch], device=device)
            lengths = torch.tensor([len(e[0]) for e in batch])
            tgt_in = torch.tensor([e[1][:-1] + [PAD] * (T - len(e[1]) + 1) for e in batch], device=device)
            tgt_out = torch.tensor([e[1][1:] + [PAD] * (T - len(e[1]) + 1) for e in batch], device=device)
            lr = lr_at(sched, step + 1, lr)
            for g in opt.param_groups:
                g["lr"] = lr
            if copy:
                ids, extended = copy_batch([e[2] for e in batch], len(pipeline.tgt_vocab), [e[3] for e in batch])
                log_probs, weights = net(src, lengths, tgt_in, copy=(ids.to(device), extended))
                loss = F.nll_loss(log_probs.reshape(-1, log_probs.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD)
            else:
                logits, weights = net(src, lengths, tgt_in)
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD, label_smoothing=eps)
            if coverage_loss > 0:
                # See et al. 2017 eq. 12 over the counted steps, per target token: c_t = Σ_{t'<t} a_{t'}.
                past = torch.cumsum(weights, 1) - weights
                counted = (tgt_out != PAD)
                loss = loss + coverage_loss * (torch.minimum(weights, past).sum(-1) * counted).sum() / counted.sum().clamp(min=1)
            for s in spans:
                loss = loss + s.span_loss()
            opt.zero_grad()
            loss.backward()
            if clip and clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            for s in spans:
                s.clamp_()
            step += 1
            done += 1
            value = loss.detach().clone()
            if distributed:
                dist.all_reduce(value)
                value /= world
            losses.append(round(value.item(), 6))
            if rank == 0 and (done % log_every == 0 or done == steps):
                print(f"step {step} | loss {value.item():.4f} | lr {lr:.3g} | {time.time() - started:.1f}s", flush=True)
            if rank == 0 and args.save_every and done % args.save_every == 0:
                save(args.out, model, opt, named, config, pipeline_path, step, lr, opt_meta, sched, losses, manifest, args.save_format)
        epoch += 1
    if rank == 0:
        save(args.out, model, opt, named, config, pipeline_path, step, lr, opt_meta, sched, losses, manifest, args.save_format)
        print(f"saved {args.out} (step {step})", flush=True)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
