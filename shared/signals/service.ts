import type { FieldError } from '../errors.js';
import { msg } from '../i18n/messages.js';
import { listAbsences } from '../store/absences.js';
import type { Db } from '../store/client.js';
import { signalKeys } from '../store/keys.js';
import {
  createAlert,
  getAlert,
  getDevice,
  getRuleSettings,
  listDevicesOfCounty,
  listDevicesOfElder,
  listReadings,
  putReading,
  setAlertStatus,
} from '../store/signals.js';
import { parseOrErrors } from '../validation.js';
import { readingInputSchema } from './ingest.js';
import type { Alert, Device, Reading } from './model.js';
import { alertOf, evaluateRules, settingsFor } from './rules.js';

/**
 * The seam to the phone engine (issue 16; connected next session, docs/signals.md): a usage rule
 * starts a check-in outside the cadence, escalated only when it goes unanswered; an alarm button or a
 * smoke/gas alarm opens a needs-help case at once. Both must be idempotent by `alert.id` (the engine
 * keys the check-in or case by it): an alert still `pending` after a crash is handed over again.
 */
export interface AlertEngine {
  startCheckIn(alert: Alert): Promise<void>;
  openCase(alert: Alert): Promise<void>;
}

export interface SignalDeps {
  db: Db;
  /** absent until the engine is wired: alerts are stored and listed, and stay `pending` */
  engine?: AlertEngine | undefined;
}

/** Hands a pending alert to the engine and records what it did. */
export async function dispatchAlert(deps: SignalDeps, alert: Alert): Promise<Alert['status']> {
  if (alert.status !== 'pending' || !deps.engine) return alert.status;
  if (alert.action === 'case') {
    await deps.engine.openCase(alert);
    await setAlertStatus(deps.db, alert.id, 'caseOpened');
    return 'caseOpened';
  }
  await deps.engine.startCheckIn(alert);
  await setAlertStatus(deps.db, alert.id, 'checkInStarted');
  return 'checkInStarted';
}

const DAY = 86_400_000;
const IMMEDIATE = new Set<Device['kind']>(['alarmButton', 'smokeGasAlarm']);

/**
 * Evaluates one household's rules at `now` and stores each firing once. `immediate` (on ingestion)
 * looks only at alarm buttons and smoke/gas alarms over the last two days; the hourly sweep looks at
 * every rule. Returns the alerts this call created.
 */
export async function evaluateHousehold(
  deps: SignalDeps,
  elderId: string,
  now: Date,
  options: { immediate?: boolean; devices?: Device[] } = {},
): Promise<Alert[]> {
  const all = options.devices ?? (await listDevicesOfElder(deps.db, elderId));
  const devices = options.immediate ? all.filter((d) => IMMEDIATE.has(d.kind)) : all;
  if (devices.length === 0) return [];
  const first = devices[0] as Device;
  const settings = settingsFor(
    await getRuleSettings(deps.db, signalKeys.countyRules(first.county)),
    await getRuleSettings(deps.db, signalKeys.householdRules(elderId)),
  );
  const days = options.immediate ? 2 : settings.unusualUse.days + 2;
  const from = new Date(now.getTime() - days * DAY).toISOString();
  const to = new Date(now.getTime() + 5 * 60_000).toISOString();
  const readings = new Map<string, Reading[]>();
  for (const d of devices)
    readings.set(`${d.vendor}#${d.deviceId}`, await listReadings(deps.db, d.vendor, d.deviceId, from, to));
  const firings = evaluateRules({
    devices,
    readings,
    settings,
    absences: await listAbsences(deps.db, elderId),
    now,
  });
  const created: Alert[] = [];
  for (const firing of firings) {
    const alert = alertOf(firing, { id: elderId, county: first.county, township: first.township }, now);
    if (await createAlert(deps.db, alert)) {
      created.push(alert);
      await dispatchAlert(deps, alert);
    } else {
      // stored by an earlier run that may have crashed before handing it over
      const stored = await getAlert(deps.db, alert.id);
      if (stored?.status === 'pending') await dispatchAlert(deps, stored);
    }
  }
  return created;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; errors: FieldError[] }[];
  alerts: number;
}

/**
 * Stores a verified batch: each reading once (repeated and late ones are accepted, a repeat stores
 * nothing new), readings of unregistered devices refused one by one, then the alarm rules of every
 * household the batch touched. Safe to run twice: the second run stores and fires nothing new.
 */
export async function ingestBatch(
  deps: SignalDeps,
  vendor: string,
  readings: readonly unknown[],
  now: Date,
): Promise<IngestResult> {
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [], alerts: 0 };
  const devices = new Map<string, Device | undefined>();
  const touched = new Set<string>();
  for (const [index, raw] of readings.entries()) {
    const parsed = parseOrErrors(readingInputSchema, raw);
    if (!parsed.ok) {
      result.rejected.push({ index, errors: parsed.errors });
      continue;
    }
    const r = parsed.value;
    if (Date.parse(r.at) > now.getTime() + 5 * 60_000) {
      result.rejected.push({
        index,
        errors: [{ path: 'at', message: msg('signals.future') }],
      });
      continue;
    }
    if (!devices.has(r.deviceId)) devices.set(r.deviceId, await getDevice(deps.db, vendor, r.deviceId));
    const device = devices.get(r.deviceId);
    if (!device) {
      result.rejected.push({
        index,
        errors: [{ path: 'deviceId', message: msg('signals.unknownDevice') }],
      });
      continue;
    }
    const stored = await putReading(deps.db, {
      vendor,
      deviceId: r.deviceId,
      at: new Date(r.at).toISOString(),
      eventId: r.eventId ?? '',
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.event ? { event: r.event } : {}),
      receivedAt: now.toISOString(),
    });
    if (stored) result.accepted++;
    else result.duplicates++;
    touched.add(device.elderId);
  }
  for (const elderId of touched) {
    const all = [...devices.values()].filter((d): d is Device => d?.elderId === elderId);
    if (all.some((d) => IMMEDIATE.has(d.kind)))
      result.alerts += (await evaluateHousehold(deps, elderId, now, { immediate: true })).length;
  }
  return result;
}

/** The hourly sweep of one county: every household with devices, every rule. */
export async function sweepCounty(deps: SignalDeps, county: string, now: Date): Promise<number> {
  const byElder = new Map<string, Device[]>();
  for (const d of await listDevicesOfCounty(deps.db, county))
    byElder.set(d.elderId, [...(byElder.get(d.elderId) ?? []), d]);
  let alerts = 0;
  for (const [elderId, devices] of byElder)
    alerts += (await evaluateHousehold(deps, elderId, now, { devices })).length;
  return alerts;
}
