import chalk from "chalk";
import { join } from "node:path";
import { toDataOptions } from "../config/dataOptions.js";
import { modelSizeProblem } from "../config/modelSize.js";
import { showValue, ValueOrigins } from "../config/origins.js";
import { configChanges } from "../config/resume.js";
import { labelSmoothingOf, type Config } from "../config/schema.js";
import { BatchIterator, type Batch } from "../data/batching.js";
import { prepareData, type PreparedData } from "../data/dataset.js";
import { PAD } from "../data/vocab.js";
import { KernelMemoryError, UserError } from "../errors.js";
import { displayPath } from "../fsErrors.js";
import { buildModel } from "../models/build.js";
import type { TranslationModel } from "../models/types.js";
import { clipGradNorm } from "../optim/clip.js";
import { add } from "../ops/index.js";
import { adaptiveSpanLoss, clampAdaptiveSpans } from "../attention/adaptiveSpan.js";
import { spanRecord } from "./spanRecord.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { LrScheduler } from "../optim/schedules.js";
import { Rng } from "../tensor/rng.js";
import { activeThreads, describeKernels, kernels, sameBitsKernels } from "../kernels/index.js";
import { Arena } from "../tensor/storage.js";
import { CHECKPOINT_FILES, loadCheckpoint, recoverCheckpoints, restoreModel, saveCheckpoint } from "./checkpoint.js";
import { dataSummary, requireNoValidationNeeds, tooLongLine } from "./dataReport.js";
import { DivergenceWatch } from "./divergence.js";
import { initialiseModel, initSummaryLine, initWarning, type InitCheckpoint } from "./initFrom.js";
import { MetricsLog } from "./metricsLog.js";
import { nonFiniteMessage } from "./nonFiniteStop.js";
import { buildOptimizer, buildScheduler } from "./optimizerFactory.js";
import { formatSeconds, TrainingProgress } from "./progress.js";
import { changesSchedule, continueSchedule, describeChanges, recordResume, resumePipeline } from "./resume.js";
import { runPaths, writeJson, type RunInfo, type RunPaths } from "./runFolder.js";
import { dumpValidationAttention, validate, validationFromJson, type ValidationResult } from "./validate.js";

export interface TrainOptions {
  quiet?: boolean;
  /** Resume from the run folder's last checkpoint instead of starting fresh. */
  resume?: boolean;
  /**
   * On resume: the run's config before --set, i.e. the checkpoint's. What differs in `config`
   * (already checked against config/resume.ts RESUMABLE) is applied and recorded.
   */
  savedConfig?: Config;
  /** A new run (not a resume) whose weights and vocabularies come from this checkpoint (--init-from). */
  init?: InitCheckpoint;
  /** Called with each line the trainer prints (tests capture it); defaults to stderr. */
  log?: (line: string) => void;
}

export interface TrainResult {
  runDir: string;
  steps: number;
  stopReason: StopReason;
  best: ValidationResult | null;
  last: ValidationResult | null;
}

export type StopReason = "max-steps" | "max-epochs" | "max-time" | "early-stopping" | "interrupted" | "non-finite";

/** Where training stands; saved in every checkpoint so --resume continues exactly. */
interface Progress {
  step: number;
  epoch: number;
  /** Next batch index within `epoch`. */
  batchInEpoch: number;
  bestMetric: number | null;
  badValidations: number;
  elapsedSeconds: number;
  /** The newest validation (saved in checkpoints' extra), or null. */
  lastValidation: ValidationResult | null;
}

/** Higher is better for decoded metrics, lower for loss and perplexity. */
function isBetter(metric: Config["training"]["earlyStopping"]["metric"], value: number, best: number | null): boolean {
  if (Number.isNaN(value)) return false;
  if (best === null) return true;
  return metric === "exactMatch" || metric === "bleu" || metric === "chrF" ? value > best : value < best;
}

/**
 * The training loop (teacher forcing, cross-entropy with label smoothing, clipping, schedule),
 * with validation, checkpoints (`last` after every validation, `best` when the early-stopping
 * metric improves), early stopping and limits by steps, epochs and wall time. Every random
 * choice flows from config.seed, and all state needed to continue — weights, optimizer moments,
 * schedule, RNG streams, data position — is checkpointed, so a resumed run is bitwise identical
 * to an uninterrupted one.
 */
export async function trainRun(config: Config, paths: RunPaths, info: RunInfo, opts: TrainOptions = {}): Promise<TrainResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const t = config.training;

  // A crash between the two renames of an atomic checkpoint write leaves `.last.old`: repair first.
  if (opts.resume) for (const line of recoverCheckpoints(paths.dir)) log(chalk.yellow(line));
  // Data: a resumed run reuses its saved tokenizers and vocabularies, an --init-from run its checkpoint's.
  const savedPipeline = opts.resume ? resumePipeline(paths, (line) => log(chalk.yellow(line))) : opts.init?.pipeline;
  const data: PreparedData = await prepareData(toDataOptions(config), info.baseDir, savedPipeline);
  const vocabSizes = { source: data.pipeline.srcVocab.size, target: data.pipeline.tgtVocab.size };
  // The config was checked with the smallest vocabularies; the real ones can make the model too large.
  const tooLarge = modelSizeProblem(config.model, vocabSizes, (path) => showValue(config, path, new ValueOrigins()));
  if (tooLarge) throw new UserError(`model: ${tooLarge} (with vocabularies of ${vocabSizes.source} and ${vocabSizes.target} entries; vocab.maxSize caps them)`);
  for (const w of data.warnings) log(chalk.yellow(`warning: ${w}`));
  const initReplaced = opts.init ? initWarning(opts.init) : null;
  if (initReplaced) log(chalk.yellow(`warning: ${initReplaced}`));
  // Without validation pairs there is no loss to report, no best checkpoint and nothing to stop on.
  const hasValidation = data.valid.examples.length > 0;
  if (!hasValidation) requireNoValidationNeeds(config);

  // Built from the new config as usual (same seed, same random streams); --init-from then
  // overwrites every parameter. Both before the run folder is written, so weights that do not fit
  // leave no half-made run behind.
  const model = buildModel(config.model, vocabSizes, config.seed);
  if (opts.init) initialiseModel(model, opts.init);
  if (!opts.resume) {
    writeJson(paths.config, config);
    writeJson(paths.run, { ...info, data: dataSummary(data) });
    writeJson(paths.pipeline, data.pipeline.toJSON());
  }
  const optimizer = buildOptimizer(t, model.namedParameters());
  const changes = opts.resume && opts.savedConfig ? configChanges(opts.savedConfig, config) : [];
  // The checkpoint's schedule state restores into the schedule it was saved from; a changed one is built after.
  let scheduler = buildScheduler((opts.resume && opts.savedConfig ? opts.savedConfig : config).training);
  const samplingRng = new Rng(config.seed).fork("scheduled-sampling");
  const iterator = new BatchIterator(data.train.examples, { ...(t.maxTokens ? { maxTokens: t.maxTokens } : { batchSize: t.batchSize }), bucket: true, shuffle: true }, config.seed);

  let progress: Progress = { step: 0, epoch: 0, batchInEpoch: 0, bestMetric: null, badValidations: 0, elapsedSeconds: 0, lastValidation: null };
  if (opts.resume) {
    progress = restore(paths, model, optimizer, scheduler, samplingRng);
    if (changesSchedule(changes)) {
      scheduler = continueSchedule(buildScheduler(t), scheduler, progress.step, changes.some((c) => c.path === "training.lr"));
      optimizer.lr = scheduler.lr;
    }
  }

  const metrics = new MetricsLog(paths.metrics);
  if (opts.resume) recordResume(metrics, paths, config, progress.step, changes);
  const stepArena = new Arena();
  const batchesPerEpoch = iterator.numBatches(progress.epoch);
  const totalSteps = Math.min(t.maxSteps ?? Infinity, t.maxEpochs * batchesPerEpoch);
  const display = new TrainingProgress({ quiet: Boolean(opts.quiet), total: totalSteps, write: log, ...(t.maxMinutes !== undefined ? { maxSeconds: 60 * t.maxMinutes } : {}) });
  const divergence = new DivergenceWatch(data.pipeline.tgtVocab.size);
  const nParams = model.numParameters();
  log(
    `${chalk.bold("attn train")} → ${paths.dir}\n` +
      `  data: ${data.train.examples.length} train / ${data.valid.examples.length} valid / ${data.test.examples.length} test pairs; ` +
      `vocab ${data.pipeline.srcVocab.size} → ${data.pipeline.tgtVocab.size}\n` +
      tooLongLine(config, data) +
      `  model: ${config.model.encoder.type} encoder, ${config.model.decoder.type} decoder` +
      attentionSummary(config) +
      `, ${nParams.toLocaleString("en-US")} parameters\n` +
      `  kernels: ${describeKernels(kernels().name)}${kernels().name === "js" ? "" : `, ${activeThreads()} thread${activeThreads() === 1 ? "" : "s"}`}\n` +
      (opts.init ? initSummaryLine(opts.init, data) : "") +
      (opts.resume ? `  resuming at step ${progress.step} (epoch ${progress.epoch + 1}, batch ${progress.batchInEpoch})${changes.length > 0 ? `; changed: ${describeChanges(changes)}` : ""}\n` : ""),
  );

  if (!hasValidation) {
    log(chalk.yellow(`warning: the valid split has no pairs: training without validation (no valid records in metrics.jsonl, no checkpoints/best); checkpoints/last is saved every ${t.validEvery} steps and at the end`));
  }

  if (opts.resume && info.kernels && !sameBitsKernels(info.kernels, kernels().name)) {
    log(chalk.yellow(`warning: this run started with the ${info.kernels} kernels and continues with ${kernels().name}; the result will not be bitwise identical to an uninterrupted run (set ATTN_KERNELS=${info.kernels} to keep them)`));
  }

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C aborts at once
    interrupted = true;
  };
  process.on("SIGINT", onSigint);

  const startTime = Date.now() - progress.elapsedSeconds * 1000;
  let stopReason: StopReason | null = null;
  // A resumed run knows its last validation, so resuming a finished run does not validate (and count a bad validation) again.
  let lastValidation: ValidationResult | null = progress.lastValidation;
  let bestValidation: ValidationResult | null = null;
  let windowTokens = 0;
  let windowLoss = 0;
  let windowSteps = 0;
  let windowStart = Date.now();
  let smoothLoss = NaN;
  // Step of the newest checkpoints/last, or null while none has been written.
  let lastSavedStep: number | null = opts.resume ? progress.step : null;
  // Messages that must show even with --quiet (the progress bar, if any, is stopped first).
  const announce = (line: string) => {
    display.stop();
    log(line);
  };

  const checkpointState = () => ({
    model,
    optimizer,
    scheduler,
    rngStates: { ...Object.fromEntries(Object.entries(model.randomStreams).map(([k, r]) => [k, r.getState()])), "scheduled-sampling": samplingRng.getState() },
    step: progress.step,
    epoch: progress.epoch,
    batchInEpoch: progress.batchInEpoch,
    bestMetric: progress.bestMetric,
    config,
    pipeline: data.pipeline.toJSON(),
    extra: { badValidations: progress.badValidations, elapsedSeconds: (Date.now() - startTime) / 1000, lastValidation },
  });

  const runValidation = async (): Promise<void> => {
    if (!hasValidation) {
      saveCheckpoint(paths.last, checkpointState());
      lastSavedStep = progress.step;
      return;
    }
    display.log(chalk.dim(`validating at step ${progress.step} …`));
    // Validation borrows the step arena (its tensors are dead once a step is done), so at long
    // inputs the step's and the validation's memory are never held at once: WebAssembly caps the
    // kernel memory at 4 GiB.
    stepArena.reset();
    const v = stepArena.run(() => validate(model, data.valid, data.pipeline, config, progress.step));
    lastValidation = v;
    const metric = t.earlyStopping.metric;
    const value = v[metric];
    const improved = isBetter(metric, value, progress.bestMetric);
    if (improved) {
      progress.bestMetric = value;
      progress.badValidations = 0;
    } else {
      progress.badValidations++;
    }
    if (scheduler.kind === "plateau") optimizer.lr = scheduler.step(value);
    display.log(
      `${chalk.green("valid")} step ${progress.step}: loss ${v.loss.toFixed(4)} | ppl ${v.perplexity.toFixed(2)} | exact ${(100 * v.exactMatch).toFixed(1)}% | BLEU ${v.bleu.toFixed(2)} | chrF ${v.chrF.toFixed(2)}` +
        (improved ? chalk.green(" (best)") : ""),
    );
    if (config.output.attentionSamples > 0) stepArena.run(() => dumpValidationAttention(model, data.valid, data.pipeline, config, paths.attention, progress.step));
    saveCheckpoint(paths.last, checkpointState());
    lastSavedStep = progress.step;
    if (improved) {
      bestValidation = v;
      saveCheckpoint(paths.best, checkpointState());
    }
    // Written once the checkpoints are on disk: a valid record (with best: true) is never about a save that failed.
    metrics.write({ type: "valid", epoch: progress.epoch, ...v, lr: optimizer.lr, best: improved, ...spanRecord(model) });
    if (t.earlyStopping.patience > 0 && progress.badValidations >= t.earlyStopping.patience) stopReason = "early-stopping";
  };

  display.start(progress.step);
  try {
    outer: while (stopReason === null) {
      if (progress.epoch >= t.maxEpochs) {
        stopReason = "max-epochs";
        break;
      }
      const nBatches = iterator.numBatches(progress.epoch);
      for (let k = progress.batchInEpoch; k < nBatches; k++) {
        if (t.maxSteps !== undefined && progress.step >= t.maxSteps) {
          stopReason = "max-steps";
          break outer;
        }
        if (t.maxMinutes !== undefined && (Date.now() - startTime) / 60000 >= t.maxMinutes) {
          stopReason = "max-time";
          break outer;
        }
        const batch = iterator.batch(progress.epoch, k);
        // Every tensor of a step lives in the step arena, released before the next step: a
        // steady-state step allocates no new memory (parameters, gradients and optimizer state
        // are persistent).
        stepArena.reset();
        const stepResult = stepArena.run(() => trainStep(model, batch, optimizer, scheduler, config, samplingRng));
        if (!stepResult.ok) {
          stopReason = "non-finite";
          metrics.write({ type: "non-finite", step: progress.step + 1, epoch: progress.epoch, what: stepResult.what, value: stepResult.value });
          const best = progress.bestMetric === null ? null : { value: progress.bestMetric, step: (bestValidation as ValidationResult | null)?.step ?? null };
          const message = nonFiniteMessage({ ...stepResult, step: progress.step + 1, lastSavedStep, best, metric: t.earlyStopping.metric, validEvery: t.validEvery });
          announce(chalk.red(`error: ${message}`));
          break outer;
        }
        progress.step++;
        progress.batchInEpoch = k + 1;
        windowTokens += batch.tgtTokens;
        windowLoss += stepResult.loss;
        windowSteps++;
        smoothLoss = Number.isNaN(smoothLoss) ? stepResult.loss : 0.95 * smoothLoss + 0.05 * stepResult.loss;
        const seconds = (Date.now() - windowStart) / 1000;
        display.update({ step: progress.step, epoch: progress.epoch, loss: smoothLoss, tokensPerSecond: seconds > 0 ? windowTokens / seconds : 0, lr: optimizer.lr });
        if (progress.step % t.logEvery === 0) {
          const logged = { step: progress.step, epoch: progress.epoch, loss: windowLoss / windowSteps, lr: optimizer.lr, tokensPerSecond: windowTokens / Math.max(seconds, 1e-9), elapsedSeconds: (Date.now() - startTime) / 1000 };
          metrics.write({ type: "train", ...logged, gradNorm: stepResult.gradNorm, ...spanRecord(model) });
          display.logged(logged);
          if (divergence.crossed(logged.loss)) {
            metrics.write({ type: "diverging", step: progress.step, epoch: progress.epoch, loss: logged.loss, bound: divergence.bound, lr: optimizer.lr });
            display.warn(
              chalk.yellow(
                `warning: training loss ${logged.loss.toFixed(2)} at step ${progress.step} is above ${divergence.bound.toFixed(2)} (10 · ln of the ${data.pipeline.tgtVocab.size}-token target vocabulary): training is diverging; ` +
                  `try a lower training.lr (training continues; checkpoints/best changes only when validation improves)`,
              ),
            );
          }
          windowTokens = 0;
          windowLoss = 0;
          windowSteps = 0;
          windowStart = Date.now();
        }
        if (progress.step % t.validEvery === 0) {
          await runValidation();
          if (stopReason !== null) break outer;
        }
        // Let the event loop deliver Ctrl-C between steps.
        await new Promise((r) => setImmediate(r));
        if (interrupted) {
          stopReason = "interrupted";
          break outer;
        }
      }
      progress.epoch++;
      progress.batchInEpoch = 0;
    }
    // runValidation may have set early-stopping; TypeScript cannot see assignments in closures.
    const reason = stopReason as StopReason | null;
    if (reason === "interrupted") {
      saveCheckpoint(paths.last, checkpointState());
      announce(chalk.yellow(`interrupted at step ${progress.step}: saved ${paths.last}; continue with: attn train --resume ${paths.dir}`));
    } else if (reason !== "non-finite" && reason !== "early-stopping") {
      const done = hasValidation ? lastValidation !== null && (lastValidation as ValidationResult).step === progress.step : lastSavedStep === progress.step;
      if (!done) await runValidation();
    }
  } catch (err) {
    // Out of kernel memory (a step or a validation too large for WebAssembly's 4 GiB): the
    // parameters are intact — allocation fails before any update — so the updates made so far
    // are saved before the one-line error.
    if (err instanceof KernelMemoryError && progress.step > 0 && lastSavedStep !== progress.step) {
      saveCheckpoint(paths.last, checkpointState());
      throw new UserError(`${err.message} (at step ${progress.step}; saved ${paths.last} with the ${progress.step} updates so far)`);
    }
    throw err;
  } finally {
    display.stop();
    process.off("SIGINT", onSigint);
  }
  const elapsed = (Date.now() - startTime) / 1000;
  const best = bestValidation as ValidationResult | null;
  log(
    `${chalk.bold("done")}: ${progress.step} steps in ${formatSeconds(elapsed)} (${stopReason})` +
      (best ? ` | best ${t.earlyStopping.metric} ${formatMetric(t.earlyStopping.metric, best[t.earlyStopping.metric])} at step ${best.step}` : "") +
      (hasValidation ? "" : " | no validation, best: none") +
      `\n  run folder: ${paths.dir}`,
  );
  return { runDir: paths.dir, steps: progress.step, stopReason: stopReason!, best, last: lastValidation };
}

function formatMetric(metric: string, v: number): string {
  return metric === "exactMatch" ? `${(100 * v).toFixed(2)}%` : v.toFixed(4);
}

export type StepOutcome = { ok: true; loss: number; gradNorm: number } | { ok: false; what: "loss" | "gradient norm"; value: number };

/** One optimizer update on one batch. The weights are untouched when the loss or gradient is not finite. */
export function trainStep(model: TranslationModel, batch: Batch, optimizer: Optimizer, scheduler: LrScheduler, config: Config, samplingRng: Rng): StepOutcome {
  const t = config.training;
  model.train();
  // Fused output layer + cross-entropy: padding rows are never projected, the logits never kept.
  const loss = model.trainingLoss(batch, batch.tgtOut, { ignoreIndex: PAD, labelSmoothing: labelSmoothingOf(config) }, { samplingProb: t.scheduledSampling, rng: samplingRng, coverageLoss: t.coverageLoss });
  const value = loss.item();
  if (!Number.isFinite(value)) return { ok: false, what: "loss", value };
  model.zeroGrad();
  // The adaptive-span penalty λ·L·mean z (Sukhbaatar et al. 2019) joins the loss it is trained on; `loss` reported stays the cross-entropy.
  const spanLoss = adaptiveSpanLoss(model);
  (spanLoss ? add(loss, spanLoss) : loss).backward();
  const gradNorm = clipGradNorm(model.parameters(), t.clipNorm);
  if (!Number.isFinite(gradNorm)) return { ok: false, what: "gradient norm", value: gradNorm };
  if (scheduler.kind !== "plateau") optimizer.lr = scheduler.step();
  optimizer.step();
  clampAdaptiveSpans(model);
  return { ok: true, loss: value, gradNorm };
}

/** Load the last checkpoint into the model, optimizer, schedule and RNG streams. */
function restore(paths: RunPaths, model: TranslationModel, optimizer: Optimizer, scheduler: LrScheduler, samplingRng: Rng): Progress {
  const ckpt = loadCheckpoint(paths.last);
  restoreModel(model, ckpt);
  if (!ckpt.optimizerState) throw new UserError(`${paths.last}: the checkpoint has no optimizer state, so training cannot resume exactly`);
  const meta = ckpt.meta;
  inFile(join(ckpt.dir, CHECKPOINT_FILES.optimizer), () => optimizer.loadStateDict(ckpt.optimizerState!));
  if (meta.scheduler) inFile(join(ckpt.dir, CHECKPOINT_FILES.meta), () => scheduler.loadStateDict(meta.scheduler as never));
  const rngs = meta.rngStates as Record<string, ReturnType<Rng["getState"]>>;
  for (const [name, rng] of Object.entries(model.randomStreams)) if (rngs[name]) rng.setState(rngs[name]!);
  if (rngs["scheduled-sampling"]) samplingRng.setState(rngs["scheduled-sampling"]);
  const extra = (meta.extra ?? {}) as { badValidations?: number; elapsedSeconds?: number; lastValidation?: ValidationResult | null };
  return {
    step: meta.step as number,
    epoch: meta.epoch as number,
    batchInEpoch: meta.batchInEpoch as number,
    bestMetric: (meta.bestMetric as number | null) ?? null,
    badValidations: extra.badValidations ?? 0,
    elapsedSeconds: extra.elapsedSeconds ?? 0,
    lastValidation: extra.lastValidation ? validationFromJson(extra.lastValidation) : null,
  };
}

/** Run `load`; its UserError (a bad stored state) is prefixed with the checkpoint file it came from. */
function inFile(file: string, load: () => void): void {
  try {
    load();
  } catch (err) {
    throw err instanceof UserError ? new UserError(`${displayPath(file)}: ${err.message}`, err.exitCode) : err;
  }
}

export { runPaths };

/** What the start line says about attention: the recurrent decoder's score, scope and normaliser, or the Transformer's heads, positions, self-attention and normaliser. */
function attentionSummary(config: Config): string {
  const m = config.model;
  if (m.decoder.type === "transformer") {
    const t = m.transformer;
    return `, ${t.heads} heads, ${t.positions} positions, ${t.selfAttention} self-attention, ${t.normalizer}`;
  }
  if (m.decoder.type === "none") return "";
  const a = m.attention;
  return `, ${a.score} ${a.scope} attention, ${a.normalizer}`;
}
