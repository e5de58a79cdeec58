// The engine inside its worker thread: bundle, tokenizer, ONNX session, scheduler and decoders, all on one thread
// so KV caches never cross threads.
import { TextTooLongError, UnknownLabelError } from '../errors.js';
import { loadBundle, type ModelBundle } from '../model/bundle.js';
import { Templates } from '../model/templates.js';
import { TextTokenizer } from '../model/tokenizer.js';
import { AutoregressiveTask } from '../decoding/autoregressive.js';
import { toEntities } from '../decoding/entities.js';
import { ParallelTask } from '../decoding/parallel.js';
import { countReader, countStopFor } from '../decoding/steps.js';
import { ReferenceTask } from '../decoding/reference.js';
import type { DecodeContext, DecodeTask } from '../decoding/task.js';
import { Forward } from '../runtime/forward.js';
import type { KvView } from '../runtime/kv.js';
import { openSession } from '../runtime/session.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { DEFAULTS, type AnnotateRequest, type AnnotateResult, type EngineOptions, type ModelInfo } from './types.js';

/** A plain Optimum decoder returns logits for every input position: keep one pass's logits under this many bytes. */
const LOGITS_BUDGET_BYTES = 512 * 2 ** 20;

export function decodeContext(bundle: ModelBundle, tokenizer: TextTokenizer, templates: Templates): DecodeContext {
  const { tokens, limits } = bundle.config;
  const ctx: DecodeContext = {
    eosId: tokens.eos_id,
    newlineId: tokens.newline_id,
    limits,
    promptPrefix: (ids) => templates.promptPrefix(ids),
    labelSuffix: (l) => templates.labelSuffix(l),
    countIds: (n) => templates.countIds(n),
    mentionPrefix: (k) => templates.mentionPrefix(k),
    arPrompt: (ids) => templates.arPrompt(ids),
    arItemPattern: bundle.config.templates.ar_item,
    decode: (ids) => tokenizer.decode(ids),
    offsets: (ids) => tokenizer.offsets(ids),
    readCount: () => 0,
    countStop: () => true,
  };
  ctx.readCount = countReader(ctx);
  ctx.countStop = countStopFor(ctx);
  return ctx;
}

export class EngineCore {
  private constructor(
    readonly bundle: ModelBundle,
    readonly tokenizer: TextTokenizer,
    readonly templates: Templates,
    readonly forward: Forward,
    readonly scheduler: Scheduler<KvView>,
    readonly model: ModelInfo,
    private readonly ctx: DecodeContext,
  ) {}

  static async open(opts: EngineOptions): Promise<EngineCore> {
    const bundle = loadBundle(opts.modelDir);
    const tokenizer = new TextTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig);
    const templates = new Templates(bundle.config, tokenizer);
    const opened = await openSession(bundle.modelPath(opts.variant ?? 'fp32'), bundle.config.architecture, {
      executionProviders: opts.executionProviders, intraOpThreads: opts.intraOpThreads, interOpThreads: opts.interOpThreads,
      intraOpSpinning: opts.intraOpSpinning,
    });
    const forward = new Forward(opened.session, opened.layout, bundle.config.tokens.pad_id);
    const scheduler = new Scheduler<KvView>(forward, {
      maxRowsPerPass: opts.maxRowsPerPass ?? DEFAULTS.maxRowsPerPass,
      maxTokensPerPass: Math.max(1, Math.min(opts.maxTokensPerPass ?? DEFAULTS.maxTokensPerPass,
        Math.floor(LOGITS_BUDGET_BYTES / (4 * opened.layout.vocabSize)))),
      maxWaitMs: opts.maxWaitMs ?? DEFAULTS.maxWaitMs,
    });
    const { config } = bundle;
    const model: ModelInfo = {
      name: config.name,
      version: config.version,
      labels: config.labels,
      maxTextTokens: config.limits.max_positions - templates.overheadTokens(config.labels),
      executionProvider: opened.executionProvider,
      skippedProviders: opened.skippedProviders,
    };
    return new EngineCore(bundle, tokenizer, templates, forward, scheduler, model, decodeContext(bundle, tokenizer, templates));
  }

  countTokens(text: string): number {
    return this.tokenizer.encode(text).length;
  }

  async annotate(req: AnnotateRequest): Promise<AnnotateResult> {
    const known = this.model.labels;
    const labels = req.labels ?? known;
    const unknown = labels.filter((l) => !known.includes(l));
    if (unknown.length > 0) throw new UnknownLabelError(unknown, known);
    // Keep the model's label order: dedup ties and output order depend on it.
    const asked = known.filter((l) => labels.includes(l));
    const empty = { entities: [], stats: { tokensForwarded: 0, passes: 0, decodeMs: 0, queueMs: 0, unaligned: 0 } };
    if (req.text.trim().length === 0 || asked.length === 0) return empty;
    const ids = this.tokenizer.encode(req.text);
    if (ids.length > this.model.maxTextTokens) throw new TextTooLongError(ids.length, this.model.maxTextTokens);
    const task = this.task(req.decoder ?? 'parallel', ids, asked);
    const stats = await this.scheduler.submit(task);
    const { entities, unaligned } = toEntities(req.text, task.mentions(), asked, req.dedup ?? true);
    return { entities, stats: { ...stats, unaligned } };
  }

  private task(kind: string, ids: number[], labels: string[]): DecodeTask<KvView> {
    if (kind === 'autoregressive') return new AutoregressiveTask(this.ctx, ids, labels);
    if (kind === 'reference') return new ReferenceTask(this.ctx, ids, labels);
    return new ParallelTask(this.ctx, ids, labels);
  }

  inflight(): number { return this.scheduler.inflight(); }
}
