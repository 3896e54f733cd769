/**
 * The capacity advice (GET /api/capacity, and a campaign preview's `capacity`): what the next 24 hours
 * ask of the phone lines and texts against what they carry, and what to ask the carrier for or move
 * to texts when it does not fit.
 */
import { integer } from '../format.js';
import { lang, t } from '../i18n.js';
import { Badge, Figures } from '../ui.js';
import type { Capacity } from './campaigns.js';

export function CapacityView({ capacity: c }: { capacity: Capacity }) {
  const n = (v: number) => integer(v, lang());
  return (
    <div className="capacity">
      <h3>{t('capacity.title', { hours: c.horizonHours })}</h3>
      <p>
        {c.exceeds ? (
          <Badge text={t('capacity.exceeds')} tone="bad" />
        ) : (
          <Badge text={t('capacity.fits')} tone="ok" />
        )}
      </p>
      <Figures
        pairs={[
          [t('capacity.calls'), t('capacity.of', { demand: n(c.demand.calls), carries: n(c.carries.calls) })],
          [
            t('capacity.sms'),
            t('capacity.of', { demand: n(c.demand.smsParts), carries: n(c.carries.smsParts) }),
          ],
          ...(c.oldestDueMinutes !== null
            ? ([[t('capacity.oldestDue'), t('capacity.minutes', { n: n(c.oldestDueMinutes) })]] as [
                string,
                string,
              ][])
            : []),
        ]}
      />
      {c.ask ? (
        <p>{t('capacity.ask', { cps: n(c.ask.callsPerSecond), inProgress: n(c.ask.callsInProgress) })}</p>
      ) : null}
      {c.moveToTexts ? (
        <p>
          {t('capacity.moveToTexts', {
            share: Math.round(c.moveToTexts.share * 100),
            calls: n(c.moveToTexts.calls),
          })}
        </p>
      ) : null}
    </div>
  );
}
