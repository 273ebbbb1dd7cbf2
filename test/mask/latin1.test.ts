/** latin1Text: the same text whichever way it is made; a buffer it does not own is never written. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTERNAL_FROM, latin1Text, textCapacity } from '../../gateway/mask/latin1.js';

test('latin1Text gives the bytes\' text at every size class, padding only a buffer it owns', () => {
  for (const length of [0, 10, 131071, 131072, 500000, EXTERNAL_FROM - 1, EXTERNAL_FROM, EXTERNAL_FROM + 5]) {
    const owned = new Uint8Array(textCapacity(length));
    for (let i = 0; i < owned.length; i++) owned[i] = 97 + (i % 26);
    const expected = Buffer.from(owned.buffer, 0, length).toString('latin1');
    assert.equal(latin1Text(owned, length, true), expected, `owned, ${length}`);
    if (owned.length > length) assert.equal(owned[owned.length - 1], 0, 'the padding is zeroed');
    const shared = new Uint8Array(Math.max(EXTERNAL_FROM, length) + 8).fill(120);
    shared.set(owned.subarray(0, length));
    assert.equal(latin1Text(shared, length, false), expected, `not owned, ${length}`);
    assert.equal(shared[shared.length - 1], 120, 'a buffer not owned is left as it is');
  }
});
