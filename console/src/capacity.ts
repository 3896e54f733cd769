/**
 * Capacity planning (issue 11 part 6), a small plain block: the next 24 hours' calls and texts against
 * what the provider limits carry, and what to do when they do not. Shown on the dashboard and in the
 * campaign preview; the answer of GET /api/capacity (and the preview's `capacity`).
 */
import { h } from './dom.js';
import { integer } from './format.js';
import { lang, t } from './i18n.js';
import { badge, figures } from './ui.js';

export interface CapacityAdvice {
  generatedAt: string;
  horizonHours: number;
  demand: { calls: number; smsParts: number };
  carries: { calls: number; smsParts: number };
  exceeds: boolean;
  ask: { callsPerSecond: number; callsInProgress: number } | null;
  moveToTexts: { share: number; calls: number } | null;
  oldestDueMinutes: number | null;
}

export function capacityView(c: CapacityAdvice): HTMLElement {
  const n = (v: number) => integer(v, lang());
  return h(
    'div',
    { class: 'capacity' },
    figures([
      [
        t('capacity.calls'),
        t('capacity.against', { demand: n(c.demand.calls), carries: n(c.carries.calls) }),
      ],
      [
        t('capacity.smsParts'),
        t('capacity.against', { demand: n(c.demand.smsParts), carries: n(c.carries.smsParts) }),
      ],
      ...(c.oldestDueMinutes !== null
        ? [[t('capacity.oldestDue'), t('capacity.minutes', { n: n(c.oldestDueMinutes) })] as [string, string]]
        : []),
    ]),
    c.exceeds
      ? h('p', {}, badge(t('capacity.exceeds', { hours: c.horizonHours }), 'warn'))
      : h('p', {}, badge(t('capacity.fits', { hours: c.horizonHours }), 'ok')),
    c.ask
      ? h('p', {}, t('capacity.ask', { cps: n(c.ask.callsPerSecond), inProgress: n(c.ask.callsInProgress) }))
      : null,
    c.moveToTexts
      ? h(
          'p',
          {},
          t('capacity.moveToTexts', {
            share: Math.round(c.moveToTexts.share * 100),
            calls: n(c.moveToTexts.calls),
          }),
        )
      : null,
  );
}
