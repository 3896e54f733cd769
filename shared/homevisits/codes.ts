import { normaliseReply } from '../phone/replies.js';

/**
 * Home-visit codes: what a contact types to name one of their elders in a text (`12 1`). Two digits
 * while a contact has fewer than 90 elders, three after; never four, so they cannot be mistaken for a
 * case code (four digits). No leading zero, so a phone that drops it cannot change the code. A code
 * means something only together with the contact's own number.
 */
const TWO_DIGIT = Array.from({ length: 90 }, (_, i) => String(10 + i));
const THREE_DIGIT = Array.from({ length: 900 }, (_, i) => String(100 + i));

export class NoFreeCode extends Error {
  override readonly name = 'NoFreeCode';
  constructor() {
    super('every home-visit code of this contact is in use');
  }
}

/**
 * A code not yet used among the contact's elders, picked at random (so codes say nothing about the
 * order of pairing). `random` returns a number in [0, 1).
 * @example allocateCode(new Set(['10', '11']), () => 0) // '12'
 */
export function allocateCode(taken: ReadonlySet<string>, random: () => number): string {
  for (const pool of [TWO_DIGIT, THREE_DIGIT]) {
    const free = pool.filter((c) => !taken.has(c));
    if (free.length > 0) return free[Math.min(free.length - 1, Math.floor(random() * free.length))] as string;
  }
  throw new NoFreeCode();
}

export type VisitAnswer = 1 | 2 | 3;

/**
 * A contact's home-visit text: `<code> <1|2|3>` (full-width digits and any spaces accepted).
 * @example parseVisitReply('12 1') // { code: '12', answer: 1 }
 * @example parseVisitReply('1234') // undefined (a case code)
 */
export function parseVisitReply(text: string): { code: string; answer: VisitAnswer } | undefined {
  const m = /^([1-9]\d{1,2})\s+([123])$/.exec(normaliseReply(text));
  if (!m) return undefined;
  return { code: m[1] as string, answer: Number(m[2]) as VisitAnswer };
}
