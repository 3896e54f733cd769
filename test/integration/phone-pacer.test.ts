import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../shared/phone/config.js';
import { CALL_PLACE_MS, dynamoPacer } from '../../shared/phone/pacer.js';
import { freshDb } from '../support/db.js';

describe('the pacer’s places among the calls in progress', () => {
  it('hands out at most the limit, keeps the reserved ones for priority calls, and lets a lost one lapse', async () => {
    const db = await freshDb();
    let now = Date.parse('2025-07-01T01:00:00Z');
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
    const pacer = dynamoPacer(db, { ...DEFAULT_LIMITS, callsInProgress: 3, reservedForPriority: 1 }, clock);
    const a = await pacer.startCall('a');
    const b = await pacer.startCall('b');
    expect(a).not.toBeUndefined();
    expect(b).not.toBeUndefined();
    expect(a).not.toBe(b);
    // routine calls leave the reserved place free; a priority call takes it
    expect(await pacer.startCall('c')).toBeUndefined();
    const p = await pacer.startCall('p', true);
    expect(p).not.toBeUndefined();
    expect(await pacer.startCall('q', true)).toBeUndefined();
    // the same call asking again holds the same place
    expect(await pacer.startCall('a')).toBe(a);
    // a place given back is free again (giving it back twice is harmless): b and p hold two, so a
    // routine call still waits while a priority one gets it
    await pacer.endCall('a', a);
    await pacer.endCall('a', a);
    expect(await pacer.startCall('c')).toBeUndefined();
    expect(await pacer.startCall('c', true)).not.toBeUndefined();
    // hang-ups never seen: the places lapse
    now += CALL_PLACE_MS + 1;
    expect(await pacer.startCall('d')).not.toBeUndefined();
    expect(await pacer.startCall('e')).not.toBeUndefined();
    expect(await pacer.startCall('f')).toBeUndefined();
  });
});
