import * as z from 'zod';
import { seesPlace } from '../../shared/auth/principal.js';
import { DomainError } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import { batchSchema, verifyBatch } from '../../shared/signals/ingest.js';
import { type Device, deviceInputSchema, RULES, VENDOR_ID } from '../../shared/signals/model.js';
import { settingsFor } from '../../shared/signals/rules.js';
import { type AlertEngine, ingestBatch } from '../../shared/signals/service.js';
import { signalKeys } from '../../shared/store/keys.js';
import {
  getAlert,
  getAlertStats,
  getDevice,
  getRuleSettings,
  listAlertsOfCounty,
  listDevicesOfElder,
  putDevice,
  putRuleSettings,
  removeDevice,
  setAlertVerdict,
} from '../../shared/store/signals.js';
import { parseOrThrow } from '../../shared/validation.js';
import {
  actorOfPrincipal,
  countiesInScope,
  elderInScope,
  principalOf,
  requireRole,
  townshipInScope,
} from './auth.js';
import { bodyBytes, type HttpEvent, HttpFailure, type HttpResult, json, jsonBody } from './http.js';
import { type ApiDeps, pathId } from './routes.js';

export interface SignalApiDeps extends ApiDeps {
  /** the shared secret vendor platforms sign batches with; without one every batch is refused */
  signalsSecret?: string | undefined;
  /** the phone engine's side (next session): absent, alerts are stored and stay pending */
  alertEngine?: AlertEngine | undefined;
}

const ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Remote monitoring (issue 16 part 3): devices per elder, rule settings per county and household, the
 * alerts and their figures per rule, and the signed ingestion route of vendor platforms.
 */
export function signalRoutes(deps: SignalApiDeps) {
  const counties = Object.keys(deps.policy.counties).sort();
  const countyQuery = z.strictObject({
    county: z.string().refine((c) => Object.hasOwn(deps.policy.counties, c), msg('county.unknown')),
  });
  const countyOf = (event: HttpEvent) =>
    parseOrThrow(countyQuery, event.queryStringParameters ?? {}, ['query']).county;

  const registerRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const elder = await elderInScope(deps.db, principal, pathId(event));
    const input = parseOrThrow(deviceInputSchema, jsonBody(event));
    const now = deps.now();
    const device: Device = {
      ...input,
      elderId: elder.id,
      county: elder.region.county,
      township: elder.region.township,
      village: elder.region.village,
      registeredAt: now.toISOString(),
      registeredBy: actorOfPrincipal(principal, now).actor,
    };
    const existing = await getDevice(deps.db, input.vendor, input.deviceId);
    if (existing?.elderId === elder.id) return json(200, existing);
    if (existing || !(await putDevice(deps.db, device)))
      throw new DomainError('device.taken', 409, 'deviceId');
    return json(201, device);
  };

  const listDevicesRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const elder = await elderInScope(deps.db, principal, pathId(event));
    return json(200, { items: await listDevicesOfElder(deps.db, elder.id) });
  };

  const removeRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const elder = await elderInScope(deps.db, principal, pathId(event));
    const { vendor, deviceId } = parseOrThrow(
      z.strictObject({ vendor: z.string().regex(VENDOR_ID), deviceId: z.string().regex(VENDOR_ID) }),
      jsonBody(event),
    );
    if (!(await removeDevice(deps.db, { vendor, deviceId, elderId: elder.id })))
      throw new DomainError('device.notFound', 404, 'deviceId');
    return json(200, { removed: true });
  };

  /** A household's overrides: only known rules, each checked against the full settings. */
  const householdRulesRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const elder = await elderInScope(deps.db, principal, pathId(event));
    const body = parseOrThrow(
      z.partialRecord(z.enum(RULES), z.record(z.string(), z.unknown())),
      jsonBody(event),
    );
    const county = await getRuleSettings(deps.db, signalKeys.countyRules(elder.region.county));
    const effective = parseSettings(() => settingsFor(county, body));
    const now = deps.now();
    await putRuleSettings(
      deps.db,
      signalKeys.householdRules(elder.id),
      body,
      actorOfPrincipal(principal, now).actor,
      now.toISOString(),
    );
    return json(200, { overrides: body, effective });
  };

  const getCountyRulesRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const [county] = countiesInScope(principal, counties, countyOf(event));
    return json(200, {
      county,
      settings: settingsFor(await getRuleSettings(deps.db, signalKeys.countyRules(county as string)), {}),
    });
  };

  const putCountyRulesRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = requireRole(event, 'cityAdmin', 'countyAdmin');
    const [county] = countiesInScope(principal, counties, countyOf(event));
    const settings = parseSettings(() => settingsFor(jsonBody(event), {}));
    const now = deps.now();
    await putRuleSettings(
      deps.db,
      signalKeys.countyRules(county as string),
      settings,
      actorOfPrincipal(principal, now).actor,
      now.toISOString(),
    );
    return json(200, { county, settings });
  };

  const alertsRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const [county] = countiesInScope(principal, counties, countyOf(event));
    const township = townshipInScope(principal);
    const items = (await listAlertsOfCounty(deps.db, county as string, 200)).filter(
      (a) => !township || a.township === township,
    );
    return json(200, { items });
  };

  const verdictRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const id = event.pathParameters?.id ?? '';
    const alert = ID.test(id) ? await getAlert(deps.db, id) : undefined;
    if (!alert || !seesPlace(principal, alert)) throw new DomainError('alert.notFound', 404, 'id');
    const { verdict } = parseOrThrow(
      z.strictObject({ verdict: z.enum(['true', 'false'], { error: msg('alert.verdict') }) }),
      jsonBody(event),
    );
    const now = deps.now();
    if (
      !(await setAlertVerdict(
        deps.db,
        alert,
        verdict,
        actorOfPrincipal(principal, now).actor,
        now.toISOString(),
      ))
    )
      throw new DomainError('alert.conflict', 409, 'verdict');
    return json(200, await getAlert(deps.db, id));
  };

  /** Per rule: alerts fired, marked false, marked true, and the false share, so the county can tune it. */
  const statsRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const principal = principalOf(event);
    const [county] = countiesInScope(principal, counties, countyOf(event));
    const stats = await getAlertStats(deps.db, county as string);
    return json(200, {
      county,
      rules: RULES.map((rule) => {
        const s = stats.find((x) => x.rule === rule) ?? { fired: 0, falseAlarms: 0, trueAlarms: 0 };
        const judged = s.falseAlarms + s.trueAlarms;
        return {
          rule,
          fired: s.fired,
          falseAlarms: s.falseAlarms,
          trueAlarms: s.trueAlarms,
          falseShare: judged > 0 ? Math.round((s.falseAlarms / judged) * 1000) / 1000 : null,
        };
      }),
    });
  };

  /** Vendor platforms post signed batches here (no login: the HMAC signature is the credential). */
  const ingestRoute = async (event: HttpEvent): Promise<HttpResult> => {
    const bytes = bodyBytes(event);
    const now = deps.now();
    const verified = verifyBatch(deps.signalsSecret, event.headers ?? {}, bytes, now);
    if (!verified.ok)
      throw new HttpFailure(401, [
        {
          path: 'signature',
          message: msg(verified.ok === false ? `signals.${verified.reason}` : 'signals.forged'),
        },
      ]);
    const batch = parseOrThrow(batchSchema, jsonBody(event));
    const result = await ingestBatch(
      { db: deps.db, engine: deps.alertEngine },
      batch.vendor,
      batch.readings,
      now,
    );
    return json(200, result);
  };

  return [
    { method: 'POST', path: '/api/elders/{id}/devices', handler: registerRoute },
    { method: 'GET', path: '/api/elders/{id}/devices', handler: listDevicesRoute },
    { method: 'POST', path: '/api/elders/{id}/devices/remove', handler: removeRoute },
    { method: 'PUT', path: '/api/elders/{id}/signal-rules', handler: householdRulesRoute },
    { method: 'GET', path: '/api/signals/rules', handler: getCountyRulesRoute },
    { method: 'PUT', path: '/api/signals/rules', handler: putCountyRulesRoute },
    { method: 'GET', path: '/api/signals/alerts', handler: alertsRoute },
    { method: 'POST', path: '/api/signals/alerts/{id}/verdict', handler: verdictRoute },
    { method: 'GET', path: '/api/signals/stats', handler: statsRoute },
    { method: 'POST', path: '/signals/readings', handler: ingestRoute },
  ] as const;
}

function parseSettings<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof z.ZodError)
      throw new HttpFailure(
        400,
        error.issues.map((i) => ({ path: i.path.join('.'), message: msg('signals.rules', i.message) })),
      );
    throw error;
  }
}
