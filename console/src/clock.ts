/**
 * The server's clock as the console sees it. The local stack may run its clock elsewhere than the
 * browser's (ANXIN_CLOCK_START: a demo on the morning of a festival), and a PC's clock may simply be
 * wrong: "today", "this month" and "this year" are the server's. GET /api/me answers `now` (an
 * ISO-8601 instant); the offset server-now minus browser-now is kept from each answer and added to
 * the browser's clock wherever the console needs the time. Without `now` the offset is 0.
 */

let offsetMs = 0;

/**
 * Server-now minus browser-now in milliseconds, from the server's `now` and the browser's clock when
 * the answer was read; 0 when the server did not say (or said something that is not an instant).
 * @example clockOffset('2026-10-18T01:05:00Z', Date.parse('2026-11-29T21:30:00Z')) // -3_616_500_000
 */
export function clockOffset(serverNow: unknown, browserNowMs: number): number {
  if (typeof serverNow !== 'string') return 0;
  const server = Date.parse(serverNow);
  if (Number.isNaN(server) || !Number.isFinite(browserNowMs)) return 0;
  return server - browserNowMs;
}

/**
 * Keeps the offset from an answer of GET /api/me. `sentMs` and `receivedMs` are the browser's clock
 * before the request and after its answer: the server read its clock in between, so the middle of the
 * two is the closest browser time to its `now`.
 */
export function syncClock(serverNow: unknown, sentMs: number, receivedMs: number = sentMs): void {
  offsetMs = clockOffset(serverNow, (sentMs + receivedMs) / 2);
}

/** The offset in use (server minus browser, milliseconds). */
export const clockOffsetMs = (): number => offsetMs;

/** The server's time now: the browser's clock plus the offset. */
export function serverNow(browserNowMs: number = Date.now()): Date {
  return new Date(browserNowMs + offsetMs);
}
