import * as z from 'zod';
import { msg } from '../../shared/i18n/messages.js';
import {
  type DayStats,
  getDayStatsByCounty,
  getDayStatsOfTownship,
  zeroStats,
} from '../../shared/store/stats.js';
import { dateInPolicyZone, ISO_DATE } from '../../shared/time.js';
import { parseOrThrow } from '../../shared/validation.js';
import { countiesInScope, principalOf, townshipInScope } from './auth.js';
import { type HttpEvent, type HttpResult, json } from './http.js';
import type { ApiDeps } from './routes.js';

/** What GET /api/stats/today answers: a date's figures by county, their total, and the township when scoped. */
export interface TodayStats {
  /** the Asia/Shanghai date */
  date: string;
  /** set when the figures are one township's (a township operator's own) */
  township?: string;
  counties: Record<string, DayStats>;
  total: DayStats;
}

const sum = (all: DayStats[]): DayStats =>
  all.reduce(
    (t, s) =>
      Object.fromEntries(
        Object.keys(t).map((k) => [k, t[k as keyof DayStats] + s[k as keyof DayStats]]),
      ) as unknown as DayStats,
    zeroStats(),
  );

/**
 * Today's phone-visit figures for the dashboard (check-ins opened, calls placed, texts sent, well,
 * needs help, not reached), per county, on an Asia/Shanghai date (today unless `date` is given). A
 * city administrator sees every county (or the one asked for); a county administrator their own
 * (another county: 403); a township operator only their own township's figures.
 */
export function statsRoutes(deps: ApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const query = z.strictObject({
    county: z
      .string()
      .refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown'))
      .optional(),
    date: z.string().regex(ISO_DATE).optional(),
  });

  const today = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const q = parseOrThrow(query, event.queryStringParameters ?? {}, ['query']);
    const scope = countiesInScope(principal, counties, q.county);
    const township = townshipInScope(principal);
    const date = q.date ?? dateInPolicyZone(deps.now());
    let figures: Record<string, DayStats>;
    if (township !== undefined) {
      // a township operator: their own township only (scope is their county)
      figures = Object.fromEntries(
        await Promise.all(
          scope.map(async (county) => [county, await getDayStatsOfTownship(deps.db, date, county, township)]),
        ),
      );
    } else {
      const all = await getDayStatsByCounty(deps.db, date);
      figures = Object.fromEntries(scope.map((county) => [county, all[county] ?? zeroStats()]));
    }
    const body: TodayStats = {
      date,
      ...(township !== undefined ? { township } : {}),
      counties: figures,
      total: sum(Object.values(figures)),
    };
    return json(200, body);
  };

  return [{ method: 'GET' as const, path: '/api/stats/today', handler: today }];
}
