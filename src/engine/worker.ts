// The engine's worker thread: owns the ONNX session, the scheduler and every KV cache.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineCore } from './core.js';
import { serializeError, type FromWorker, type ToWorker, type WorkerData } from './protocol.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const core = await EngineCore.open(workerData as WorkerData);
  port.on('message', (msg: ToWorker) => {
    core.annotate(msg.request).then(
      (result) => post({ type: 'result', id: msg.id, result }),
      (err) => post({ type: 'error', id: msg.id, error: serializeError(err) }),
    );
  });
  post({ type: 'ready', model: core.model });
} catch (err) {
  post({ type: 'failed', error: serializeError(err) });
}
