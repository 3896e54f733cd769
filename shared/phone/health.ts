import type { Db } from '../store/client.js';
import { attemptHealthSince } from '../store/phone.js';
import { DEFAULT_FAULTS, type ProviderLimits } from './config.js';

/** How the carrier is doing for a county over the fault window, and whether dialling is paused. */
export interface CarrierHealth {
  county: string;
  windowMinutes: number;
  attempts: number;
  faults: number;
  /** faults / attempts over the window (0 with no attempts) */
  share: number;
  /** the share that pauses dialling */
  threshold: number;
  paused: boolean;
  /** while paused: when the window will have slid past the faults seen so far (dialling tries again) */
  resumesBy?: string;
}

/**
 * Dialling pauses while carrier faults are at least `faults.share` of a county's attempts over the
 * last `faults.windowMinutes` (and there were at least `minAttempts`). Nothing is stored: the state
 * is read from the per-minute counts, so dialling resumes by itself as the faults age out of the
 * window, and the first attempts after it probe the carrier again.
 */
export async function carrierHealth(
  db: Db,
  county: string,
  limits: Pick<ProviderLimits, 'faults'>,
  now: Date,
): Promise<CarrierHealth> {
  const { share: threshold, windowMinutes, minAttempts } = limits.faults ?? DEFAULT_FAULTS;
  const since = new Date(now.getTime() - (windowMinutes - 1) * 60_000);
  const minutes = await attemptHealthSince(db, county, since);
  const attempts = minutes.reduce((sum, m) => sum + m.attempts, 0);
  const faults = minutes.reduce((sum, m) => sum + m.faults, 0);
  const share = attempts === 0 ? 0 : faults / attempts;
  const paused = attempts >= minAttempts && share >= threshold;
  const lastFault = minutes.filter((m) => m.faults > 0).at(-1)?.minute;
  return {
    county,
    windowMinutes,
    attempts,
    faults,
    share: Math.round(share * 1000) / 1000,
    threshold,
    paused,
    ...(paused && lastFault
      ? { resumesBy: new Date(Date.parse(`${lastFault}:00.000Z`) + windowMinutes * 60_000).toISOString() }
      : {}),
  };
}

/**
 * The dispatcher's view of the pause: read at most every `ttlMs` per county per warm function, so
 * placing a call costs no extra read most of the time.
 */
export function cachedPause(
  db: Db,
  limits: Pick<ProviderLimits, 'faults'>,
  ttlMs = 30_000,
): (county: string, now: Date) => Promise<CarrierHealth> {
  const cache = new Map<string, { at: number; health: CarrierHealth }>();
  return async (county, now) => {
    const hit = cache.get(county);
    if (hit && Math.abs(now.getTime() - hit.at) < ttlMs) return hit.health;
    const health = await carrierHealth(db, county, limits, now);
    cache.set(county, { at: now.getTime(), health });
    return health;
  };
}
