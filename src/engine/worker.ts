// The engine's worker thread: owns the ONNX session, the scheduler and every KV cache.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineCore } from './core.js';
import { serializeError, type FromWorker, type ToWorker } from './protocol.js';
import type { EngineOptions } from './types.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const core = await EngineCore.open(workerData as EngineOptions);
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'close') { port.close(); return; }
    if (msg.type === 'countTokens') {
      try { post({ type: 'result', id: msg.id, result: core.countTokens(msg.text) }); }
      catch (err) { post({ type: 'error', id: msg.id, error: serializeError(err) }); }
      return;
    }
    core.annotate(msg.request).then(
      (result) => post({ type: 'result', id: msg.id, result }),
      (err) => post({ type: 'error', id: msg.id, error: serializeError(err) }),
    );
  });
  post({ type: 'ready', model: core.model });
} catch (err) {
  post({ type: 'failed', error: serializeError(err) });
}
