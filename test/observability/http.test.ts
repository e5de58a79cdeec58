// The probes say what the processor says, and /metrics serves the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttp } from '../../src/observability/http.js';
import { createMetrics } from '../../src/observability/metrics.js';

test('/healthz and /readyz follow their probes; /metrics has the processor metrics', async () => {
  const metrics = createMetrics(false);
  let healthy = true;
  let ready = false;
  const { server, port } = await startHttp(0, metrics.registry, { healthy: () => healthy, ready: () => ready });
  const get = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: r.status, body: await r.text() };
  };
  try {
    assert.equal((await get('/healthz')).status, 200);
    assert.equal((await get('/readyz')).status, 503);
    ready = true;
    healthy = false;
    assert.equal((await get('/readyz')).status, 200);
    assert.equal((await get('/healthz')).status, 503);
    metrics.deadLettered.inc({ code: 'PADELLM_BAD_JSON' });
    const body = (await get('/metrics')).body;
    assert.match(body, /padellm_records_dead_lettered_total\{code="PADELLM_BAD_JSON"\} 1/);
    assert.equal((await get('/nothing')).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'POST' })).status, 405);
  } finally {
    server.close();
  }
});
