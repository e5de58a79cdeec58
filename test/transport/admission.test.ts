import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from '../../src/transport/admission.js';

test('pauses when the bound is reached, resumes when a slot frees, hands slots over in order', async () => {
  const events: string[] = [];
  const admission = new Admission(2, { onFull: () => events.push('full'), onAvailable: () => events.push('available') });
  await admission.acquire();
  await admission.acquire();
  assert.equal(admission.inflight, 2);
  const order: number[] = [];
  const third = admission.acquire().then(() => order.push(3));
  const fourth = admission.acquire().then(() => order.push(4));
  assert.deepEqual(events, ['full']);
  admission.release();
  await third;
  assert.deepEqual(order, [3]);
  assert.equal(admission.inflight, 2, 'the freed slot went straight to the waiter');
  admission.release();
  await fourth;
  admission.release();
  assert.deepEqual(events, ['full', 'available']);
  assert.equal(admission.inflight, 1);
});

test('a waiter whose signal aborts leaves the queue', async () => {
  const admission = new Admission(1, { onFull: () => {}, onAvailable: () => {} });
  await admission.acquire();
  const controller = new AbortController();
  const waiting = admission.acquire(controller.signal);
  controller.abort(new Error('stopping'));
  await assert.rejects(waiting, /stopping/);
  admission.release();
  assert.equal(admission.inflight, 0);
});
