import * as z from 'zod';
import { msg } from '../i18n/messages.js';

/**
 * Remote monitoring (远程监测, issue 16 part 3): devices registered per elder with the vendor's device
 * id, the readings and events vendor platforms post, and the alerts rules raise.
 */
export const DEVICE_KINDS = [
  'waterMeter',
  'electricityMeter',
  'alarmButton',
  'doorSensor',
  'smokeGasAlarm',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A vendor's platform name or device id: letters, digits and . _ : - (no # or /, they build keys). */
export const VENDOR_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface Device {
  vendor: string;
  deviceId: string;
  kind: DeviceKind;
  elderId: string;
  county: string;
  township: string;
  village: string;
  registeredAt: string;
  registeredBy: string;
}

export const deviceInputSchema = z.strictObject({
  kind: z.enum(DEVICE_KINDS, { error: msg('device.kind') }),
  vendor: z.string().trim().regex(VENDOR_ID, msg('device.vendorId')),
  deviceId: z.string().trim().regex(VENDOR_ID, msg('device.vendorId')),
});

/** Events a device reports besides meter totals. `heartbeat` says the device is alive. */
export const SIGNAL_EVENTS = ['open', 'close', 'press', 'alarm', 'heartbeat', 'test'] as const;
export type SignalEvent = (typeof SIGNAL_EVENTS)[number];

/**
 * One reading or event as stored: `at` in UTC ISO; meters carry `value`, the meter's running total
 * (m³ for water, kWh for electricity); other devices carry `event`.
 */
export interface Reading {
  vendor: string;
  deviceId: string;
  at: string;
  /** the vendor's event id, or '' (then the device and time identify the reading) */
  eventId: string;
  value?: number;
  event?: SignalEvent;
  receivedAt: string;
}

export const RULES = ['waterLow', 'noDoor', 'unusualUse', 'leak', 'button', 'smokeGas'] as const;
export type RuleName = (typeof RULES)[number];

/** What the engine does with a fired rule (the seam of docs/signals.md). */
export const RULE_ACTION: Record<RuleName, 'checkIn' | 'case'> = {
  waterLow: 'checkIn',
  noDoor: 'checkIn',
  unusualUse: 'checkIn',
  leak: 'checkIn',
  button: 'case',
  smokeGas: 'case',
};

export interface Alert {
  /** one per rule firing: a hash of rule, device and window */
  id: string;
  rule: RuleName;
  action: 'checkIn' | 'case';
  elderId: string;
  county: string;
  township: string;
  device: { vendor: string; deviceId: string; kind: DeviceKind };
  window: { from: string; to: string };
  /** the readings the rule looked at (at most 60), so staff can see why */
  readings: { at: string; value?: number; event?: string }[];
  /** the figures in words: "12 h 07:00–19:00 used 0.002 m³ (threshold 0.01)" */
  detail: string;
  firedAt: string;
  /** pending until the engine has started its check-in or opened its case */
  status: 'pending' | 'checkInStarted' | 'caseOpened';
  verdict?: 'true' | 'false';
  verdictBy?: string;
  verdictAt?: string;
}
