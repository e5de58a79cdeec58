// The engine client on the caller's thread: posts requests to the worker and resolves their promises, so the
// event loop never blocks on inference.
import { Worker } from 'node:worker_threads';
import { RuntimeError, type PadellmError } from '../errors.js';
import { loadEngineOptions } from '../config/config.js';
import { deserializeError, type FromWorker, type ToWorker, type WorkerData } from './protocol.js';
import type { AnnotateRequest, AnnotateResult, Engine, EngineOptions, ModelInfo } from './types.js';

export type { Engine, EngineOptions } from './types.js';

interface Waiter { resolve(v: unknown): void; reject(e: PadellmError): void }

/** Validates `opts` against the settings table (ConfigError), then starts the worker and loads the model in it. */
export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  const workerData: WorkerData = loadEngineOptions({ ...opts });
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const waiting = new Map<number, Waiter>();
  let nextId = 1;
  let closed: PadellmError | null = null;

  const failAll = (err: PadellmError) => {
    closed ??= err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };

  const model = await new Promise<ModelInfo>((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.type === 'ready') { worker.off('error', onError); resolve(m.model); }
      else if (m.type === 'failed') { reject(deserializeError(m.error)); void worker.terminate(); }
    };
    const onError = (err: Error) => reject(new RuntimeError(`engine worker failed to start: ${err.message}`, { cause: err }));
    worker.once('message', onMessage);
    worker.once('error', onError);
  });

  worker.on('message', (m: FromWorker) => {
    if (m.type !== 'result' && m.type !== 'error') return;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.type === 'result') w.resolve(m.result);
    else w.reject(deserializeError(m.error));
  });
  worker.on('error', (err) => failAll(new RuntimeError(`engine worker crashed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => failAll(new RuntimeError(`engine worker exited (code ${code})`)));

  const annotate = (request: AnnotateRequest): Promise<AnnotateResult> => {
    if (closed) return Promise.reject(closed);
    const id = nextId++;
    return new Promise<AnnotateResult>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const msg: ToWorker = { type: 'annotate', id, request };
      worker.postMessage(msg);
    });
  };

  return {
    model,
    annotate,
    inflight: () => waiting.size,
    async close() {
      if (closed) return;
      failAll(new RuntimeError('engine closed'));
      await worker.terminate();
    },
  };
}
