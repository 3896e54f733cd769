/**
 * CAP 1.2 (Common Alerting Protocol, OASIS; the format of China's national early-warning system) →
 * a draft campaign proposal for the affected counties, which an administrator then approves
 * (issue 5, section 3).
 *
 * Signatures: the endpoint shares a secret with the feed and the feed sends an HMAC-SHA256 of the raw
 * body, hex (optionally prefixed "sha256="), in the `X-Cap-Signature` header (CAP_SIGNATURE_HEADER);
 * `verifyCapSignature` checks it in constant time. XML-DSig (an enveloped
 * <Signature> inside the alert, used by some national feeds) is NOT implemented yet: such alerts must
 * still carry the HMAC header, or they are refused as unsigned.
 *
 * Every refusal is a `CapAlertRefused` with a bilingual message naming the problem; nothing else is
 * thrown (the parser's own errors are caught and mapped).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
// fast-xml-parser: pure JavaScript, no install scripts, no native code, widely used and actively
// maintained; it never fetches external entities and has no DOCTYPE entity expansion surprises once
// we refuse DOCTYPE ourselves (below). XMLValidator is marked deprecated in favour of a separate
// package but is shipped and maintained in this version; it reports the line of the first error.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as z from 'zod';
import { type MessageKey, msg } from '../i18n/messages.js';
import { CITIES, JIANGMEN_COUNTIES } from '../regions.js';
import { safeText } from '../text.js';
import { isoInPolicyZone } from '../time.js';
import type { CampaignInput } from './campaign.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/**
 * Most CAP alerts are a few kilobytes, but a warning drawn on a map carries a dense <polygon> (the
 * national feed's run to several hundred kilobytes); anything larger than 2 MiB is refused before
 * parsing. API Gateway HTTP APIs take up to 10 MB and Lambda 6 MB, so 2 MiB (2.7 MiB as base64) passes
 * both.
 */
export const CAP_MAX_BYTES = 2 * 1024 * 1024;
/** One SMS segment of Chinese text (UCS-2) holds 70 characters. */
export const SMS_MAX_CHARS = 70;
/** The request header carrying the signature (HTTP header names are case-insensitive). */
export const CAP_SIGNATURE_HEADER = 'x-cap-signature';
/**
 * The CAP feed secret of `npm start` and the tests: LOCAL ONLY. It is public (it is in this file), so a
 * deployed stack never uses it: there the secret comes from Secrets Manager (CAP_SECRET_ARN).
 */
export const LOCAL_DEV_CAP_SECRET = 'anxin-local-dev-only-cap-alert-secret-not-for-aws';

export type CampaignKind = 'typhoon' | 'rainstorm' | 'heat' | 'cold' | 'other';

/** The one error type this module throws; `status` is the HTTP status the endpoint should answer. */
export class CapAlertRefused extends Error {
  constructor(
    readonly code: MessageKey,
    readonly status: 400 | 401 | 413 | 422,
    readonly detail = '',
  ) {
    super(msg(code, detail || undefined));
    this.name = 'CapAlertRefused';
  }
}

// ---------------------------------------------------------------- signature

/**
 * True when `signatureHex` (64 hex characters, optionally prefixed "sha256=") is the HMAC-SHA256 of
 * `rawBody` under `secret`. Compared in constant time; an empty secret never verifies.
 */
export function verifyCapSignature(
  secret: string,
  rawBody: string | Uint8Array,
  signatureHex: string | undefined,
): boolean {
  if (!secret || typeof signatureHex !== 'string') return false;
  const hex = signatureHex.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

// ---------------------------------------------------------------- schema

const isoWithOffset = z.iso.datetime({ offset: true });
/** CAP's text through the text gate; the largest field (a description) is bounded well inside the 2 MiB alert. */
const text = safeText('预警字段 alert field', 10_000, { multiline: true });
const optionalText = safeText('预警字段 alert field', 10_000, { multiline: true, min: 0 }).optional();

const geocodeSchema = z.object({ valueName: z.string(), value: z.string().trim() });
const areaSchema = z.object({
  areaDesc: text,
  geocode: z.array(geocodeSchema).default([]),
});
const infoSchema = z.object({
  language: z.string().default('en-US'),
  category: z.array(text).min(1),
  event: text,
  urgency: z.enum(['Immediate', 'Expected', 'Future', 'Past', 'Unknown']),
  severity: z.enum(['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']),
  certainty: z.enum(['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']),
  effective: isoWithOffset.optional(),
  onset: isoWithOffset.optional(),
  /** often absent in China's feeds (a warning signal stays until it is lifted): then CAP_DEFAULT_HOURS */
  expires: isoWithOffset.optional(),
  headline: optionalText,
  description: optionalText,
  instruction: optionalText,
  area: z.array(areaSchema).default([]),
});
export const capAlertSchema = z.object({
  identifier: text,
  sender: text,
  sent: isoWithOffset,
  status: z.enum(['Actual', 'Exercise', 'System', 'Test', 'Draft']),
  msgType: z.enum(['Alert', 'Update', 'Cancel', 'Ack', 'Error']),
  scope: z.enum(['Public', 'Restricted', 'Private']),
  references: z.string().trim().optional(),
  /** optional in CAP 1.2: a Cancel (and an Update) may come without one */
  info: z.array(infoSchema).default([]),
});
export type CapAlert = z.infer<typeof capAlertSchema>;
type CapInfo = CapAlert['info'][number];

/** One earlier message a CAP Update or Cancel names in <references>. */
export interface CapReference {
  sender: string;
  identifier: string;
  sent?: string;
}

/**
 * The messages `<references>` names: CAP 1.2 writes them as a space-separated list of
 * "sender,identifier,sent" triples (a sender has no spaces or commas).
 * @example capReferences('江门市气象台,44070041600000_20260912083000_0,2026-09-12T08:30:00+08:00') // [{ sender: '江门市气象台', identifier: '44070041600000_20260912083000_0', sent: '2026-09-12T08:30:00+08:00' }]
 */
export function capReferences(references: string | undefined): CapReference[] {
  const out: CapReference[] = [];
  for (const triple of (references ?? '').split(/\s+/)) {
    const [sender, identifier, sent] = triple.split(',');
    if (!sender || !identifier) continue;
    out.push({ sender, identifier, ...(sent ? { sent } : {}) });
  }
  return out;
}

// ---------------------------------------------------------------- parsing

/** Elements CAP allows more than once: always arrays, even when the alert has one. */
const REPEATED = new Set(['info', 'category', 'responseType', 'eventCode', 'parameter', 'resource', 'area']);
REPEATED.add('polygon').add('circle').add('geocode');

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false, // codes such as 440781 and times stay strings
  parseAttributeValue: false,
  trimValues: true,
  isArray: (tagName, _path, _leaf, isAttribute) => !isAttribute && REPEATED.has(localName(tagName)),
});

/** Drops namespace prefixes from element names and drops attributes (CAP's content has none). */
function stripPrefixes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripPrefixes);
  if (node === null || typeof node !== 'object') return node;
  // fromEntries defines own properties, so an element named __proto__ cannot touch the prototype.
  const entries = Object.entries(node)
    .filter(([key]) => !key.startsWith('@_'))
    .map(([key, value]) => [localName(key), stripPrefixes(value)] as const);
  if (entries.length === 1 && entries[0]?.[0] === '#text') return entries[0][1];
  return Object.fromEntries(entries);
}

/** Parses and validates a CAP 1.2 alert; refuses anything else with a `CapAlertRefused`. */
export function parseCapAlert(rawBody: string | Uint8Array): CapAlert {
  try {
    return parseUnguarded(rawBody);
  } catch (error) {
    // Anything unexpected (e.g. a stack overflow on absurdly deep nesting) is still a refusal.
    if (error instanceof CapAlertRefused) throw error;
    throw new CapAlertRefused('cap.notXml', 400);
  }
}

function parseUnguarded(rawBody: string | Uint8Array): CapAlert {
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody.byteLength;
  if (size > CAP_MAX_BYTES) throw new CapAlertRefused('cap.tooLarge', 413);
  let xml: string;
  try {
    xml = typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw new CapAlertRefused('cap.notXml', 400, 'not UTF-8');
  }
  // CAP never needs a DTD; refusing it rules out entity-expansion tricks whatever the parser does.
  if (/<!DOCTYPE/i.test(xml)) throw new CapAlertRefused('cap.notXml', 400, 'DOCTYPE');

  let document: unknown;
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new CapAlertRefused('cap.notXml', 400, `line ${valid.err.line}`);
    document = parser.parse(xml);
  } catch (error) {
    if (error instanceof CapAlertRefused) throw error;
    throw new CapAlertRefused('cap.notXml', 400);
  }
  if (document === null || typeof document !== 'object') throw new CapAlertRefused('cap.notXml', 400);

  const roots = Object.entries(document).filter(([key]) => !key.startsWith('?') && !key.startsWith('#'));
  const root = roots.length === 1 ? roots[0] : undefined;
  if (!root || localName(root[0]) !== 'alert' || root[1] === null || typeof root[1] !== 'object') {
    throw new CapAlertRefused('cap.namespace', 422);
  }
  const [rootName, rootNode] = root as [string, Record<string, unknown>];
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':')) : '';
  const namespace = rootNode[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
  if (namespace !== CAP_NAMESPACE) throw new CapAlertRefused('cap.namespace', 422);

  const result = capAlertSchema.safeParse(stripPrefixes(rootNode));
  if (!result.success) {
    const paths = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(alert)'))];
    throw new CapAlertRefused('cap.invalid', 422, paths.join(', '));
  }
  return result.data;
}

// ---------------------------------------------------------------- mapping

export interface CapCampaignProposal {
  status: 'draft';
  source: {
    identifier: string;
    sender: string;
    sent: string;
    /** CAP status: Actual, Exercise, System, Test or Draft; the approver sees it. */
    capStatus: CapAlert['status'];
    msgType: 'Alert' | 'Update';
    references?: string;
  };
  /** the earlier alerts an Update replaces (their drafts are withdrawn) */
  supersedes: CapReference[];
  kind: CampaignKind;
  /** GB/T 2260 codes, sorted. */
  counties: string[];
  window: { start: string; end: string };
  /** true when the alert had no <expires>: the window's end is the default for its kind */
  expiresAssumed: boolean;
  severity: CapInfo['severity'];
  urgency: CapInfo['urgency'];
  certainty: CapInfo['certainty'];
  event: string;
  headline?: string;
  message: {
    language: string;
    /** At most SMS_MAX_CHARS characters; ends with "…" when cut. */
    sms: string;
    full: string;
  };
}

export interface CapOptions {
  /** The counties this deployment serves; Jiangmen's seven by default. */
  counties?: Readonly<Record<string, { zh: string; en: string }>>;
  now?: Date;
  /** how long an alert without <expires> is taken to last, by kind (CAP_DEFAULT_HOURS by default) */
  defaultHours?: Readonly<Record<CampaignKind, number>>;
}

/**
 * How long a warning without <expires> is taken to last, by kind. China's warning signals stay in force
 * until lifted (a Cancel, "解除"), and typhoon and cold warnings usually run longest; the draft shows
 * the end as assumed, and the administrator may change it before approving.
 */
export const CAP_DEFAULT_HOURS: Readonly<Record<CampaignKind, number>> = {
  typhoon: 48,
  rainstorm: 24,
  heat: 48,
  cold: 72,
  other: 24,
};

const KIND_PATTERNS: readonly [CampaignKind, RegExp][] = [
  ['typhoon', /台风|热带气旋|typhoon|tropical (cyclone|storm)/i],
  ['rainstorm', /暴雨|强降雨|rainstorm|heavy rain/i],
  ['heat', /高温|酷热|heat/i],
  ['cold', /寒冷|寒潮|低温|冰冻|霜冻|cold|freez|frost/i],
];

export function kindOf(...texts: (string | undefined)[]): CampaignKind {
  for (const value of texts) {
    if (!value) continue;
    for (const [kind, pattern] of KIND_PATTERNS) if (pattern.test(value)) return kind;
  }
  return 'other';
}

/** Cuts to at most `max` characters (code points), marking the cut with "…". */
export function trimForSms(value: string, max = SMS_MAX_CHARS): string {
  const chars = [...value.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The served counties a GB/T 2260 code covers: a county's own code (6 digits, or 9/12 digits of a
 * township or village in it), or a prefecture's or province's code (440700, 440700000000, 440000),
 * which covers every served county inside it.
 */
export function countiesOfCode(value: string, served: Readonly<Record<string, unknown>>): string[] {
  const code = /^(\d{6})(\d{3}|\d{6})?$/.exec(value.trim())?.[1];
  if (!code) return [];
  if (code in served) return [code];
  // a prefecture (4407 00) or province (44 0000) code: zero pairs at the end mark the level
  const prefix = code.replace(/(00)+$/, '');
  if (prefix.length === code.length || prefix.length < 2) return [];
  return Object.keys(served).filter((c) => c.startsWith(prefix));
}

/** A county's name as an area description may give it: 台山市, or 台山 alone. */
const shortName = (zh: string) => zh.replace(/[市区县]$/, '');

function countiesOf(alert: CapAlert, served: Readonly<Record<string, { zh: string; en: string }>>): string[] {
  const found = new Set<string>();
  for (const info of alert.info) {
    for (const area of info.area) {
      const inArea = new Set<string>();
      for (const { value } of area.geocode)
        for (const code of countiesOfCode(value, served)) inArea.add(code);
      const desc = area.areaDesc.toLowerCase();
      for (const [code, name] of Object.entries(served)) {
        const short = shortName(name.zh);
        if (
          desc.includes(name.zh) ||
          (short.length >= 2 && desc.includes(short)) ||
          desc.includes(name.en.toLowerCase())
        )
          inArea.add(code);
      }
      // only the city named (江门市, Jiangmen, 全市): every served county of that city
      if (inArea.size === 0)
        for (const [code, city] of Object.entries(CITIES))
          if (
            desc.includes(city.zh) ||
            desc.includes(shortName(city.zh)) ||
            desc.includes(city.en.toLowerCase())
          )
            for (const county of countiesOfCode(code, served)) inArea.add(county);
      for (const code of inArea) found.add(code);
    }
  }
  return [...found].sort();
}

/** Turns a parsed alert into a draft campaign proposal, or refuses it. */
export function capToProposal(alert: CapAlert, options: CapOptions = {}): CapCampaignProposal {
  const served = options.counties ?? JIANGMEN_COUNTIES;
  const now = options.now ?? new Date();
  if (alert.msgType === 'Cancel') throw new CapAlertRefused('cap.cancel', 422, alert.references ?? '');
  if (alert.msgType === 'Ack' || alert.msgType === 'Error') throw new CapAlertRefused('cap.notAlert', 422);

  const info = alert.info.find((i) => i.language.toLowerCase().startsWith('zh')) ?? alert.info[0];
  if (!info) throw new CapAlertRefused('cap.invalid', 422, 'info');
  const kind = kindOf(info.event, ...alert.info.map((i) => i.event), info.headline);
  const start = info.onset ?? info.effective ?? alert.sent;
  const hours = (options.defaultHours ?? CAP_DEFAULT_HOURS)[kind];
  // whole seconds, like the alert's own times
  const end =
    info.expires ??
    isoInPolicyZone(new Date(Date.parse(start) + hours * 3_600_000)).replace(/\.000(?=[+-])/, '');
  if (Date.parse(end) <= now.getTime()) throw new CapAlertRefused('cap.expired', 422, end);
  const counties = countiesOf(alert, served);
  if (counties.length === 0) throw new CapAlertRefused('cap.noCounty', 422);

  const full = info.instruction || info.headline || info.event;
  return {
    status: 'draft',
    source: {
      identifier: alert.identifier,
      sender: alert.sender,
      sent: alert.sent,
      capStatus: alert.status,
      msgType: alert.msgType,
      ...(alert.references ? { references: alert.references } : {}),
    },
    supersedes: alert.msgType === 'Update' ? capReferences(alert.references) : [],
    kind,
    counties,
    window: { start, end },
    expiresAssumed: info.expires === undefined,
    severity: info.severity,
    urgency: info.urgency,
    certainty: info.certainty,
    event: info.event,
    ...(info.headline ? { headline: info.headline } : {}),
    message: { language: info.language, sms: trimForSms(full), full },
  };
}

export interface CapRequest {
  /** The shared secret configured for this feed. */
  secret: string;
  rawBody: string | Uint8Array;
  /** The signature header's value, as received (undefined when absent). */
  signature: string | undefined;
}

/**
 * What an alert asks of the register: draft campaigns (an Alert, or an Update with its new content,
 * replacing the drafts of the alerts it references), or withdraw the drafts of the alerts it references
 * (a Cancel, with or without <info>; an Update without content or for none of our counties).
 */
export type CapAction =
  | { kind: 'draft'; proposal: CapCampaignProposal }
  | { kind: 'withdraw'; references: CapReference[] };

/** The endpoint's whole check (signature, parse, validate) and the action the message asks for. */
export function capAlertToAction(request: CapRequest, options: CapOptions = {}): CapAction {
  const alert = checkedAlert(request);
  if (alert.msgType === 'Cancel') return { kind: 'withdraw', references: capReferences(alert.references) };
  if (alert.msgType === 'Update') {
    const references = capReferences(alert.references);
    if (references.length === 0) throw new CapAlertRefused('cap.invalid', 422, 'references');
    if (alert.info.length === 0) return { kind: 'withdraw', references };
    try {
      return { kind: 'draft', proposal: capToProposal(alert, options) };
    } catch (error) {
      // the update moves the warning away from our counties, or ends it: its drafts go
      if (error instanceof CapAlertRefused && (error.code === 'cap.noCounty' || error.code === 'cap.expired'))
        return { kind: 'withdraw', references };
      throw error;
    }
  }
  return { kind: 'draft', proposal: capToProposal(alert, options) };
}

function checkedAlert(request: CapRequest): CapAlert {
  if (!request.signature?.trim()) throw new CapAlertRefused('cap.signatureMissing', 401);
  if (!verifyCapSignature(request.secret, request.rawBody, request.signature)) {
    throw new CapAlertRefused('cap.signatureInvalid', 401);
  }
  return parseCapAlert(request.rawBody);
}

/**
 * The endpoint's whole check: signature, then parse and validate, then map. Throws only
 * `CapAlertRefused`.
 */
export function capAlertToDraft(request: CapRequest, options: CapOptions = {}): CapCampaignProposal {
  return capToProposal(checkedAlert(request), options);
}

// ---------------------------------------------------------------- draft campaigns

/** The SMS signature every campaign text starts with (mainland carriers require one). */
const SMS_SIGNATURE = '【安心】';
const TITLE_MAX = 60;
const SCRIPT_MAX = 2000;

/** The id of the draft an alert makes for a county: the same alert sent twice drafts nothing new. */
export function capCampaignId(
  proposal: Pick<CapCampaignProposal, 'source'> | { source: CapReference },
  county: string,
): string {
  const alert = createHash('sha256')
    .update(`${proposal.source.sender}|${proposal.source.identifier}`)
    .digest('hex')
    .slice(0, 20);
  return `cap-${alert}-${county}`;
}

/**
 * The draft campaign a proposal makes for one of its counties, awaiting an administrator's approval:
 * categories A and B, daily (A twice a day when the alert is severe or extreme and expected now or
 * soon), over the alert's window, with its instruction as the call script and a one-part text.
 * @example capCampaignDraft(proposal, '440781', { zh: '台山市', en: 'Taishan' }).title // '江门市气象台发布台风橙色预警信号（台山市）'
 */
export function capCampaignDraft(
  proposal: CapCampaignProposal,
  county: string,
  name: { zh: string; en: string },
): Omit<CampaignInput, 'createdBy' | 'createdAt'> {
  const urgent =
    (proposal.severity === 'Extreme' || proposal.severity === 'Severe') &&
    (proposal.urgency === 'Immediate' || proposal.urgency === 'Expected');
  const script = proposal.message.full.slice(0, SCRIPT_MAX);
  return {
    id: capCampaignId(proposal, county),
    title: trimForSms(`${proposal.headline ?? proposal.event}（${name.zh}）`, TITLE_MAX),
    kind: proposal.kind,
    source: 'cap',
    alert: {
      identifier: proposal.source.identifier,
      sender: proposal.source.sender,
      sent: proposal.source.sent,
      capStatus: proposal.source.capStatus,
      msgType: proposal.source.msgType,
      severity: proposal.severity,
      urgency: proposal.urgency,
      certainty: proposal.certainty,
      event: proposal.event,
      ...(proposal.headline ? { headline: proposal.headline } : {}),
      ...(proposal.expiresAssumed ? { expiresAssumed: true } : {}),
      ...(proposal.supersedes.length > 0
        ? { supersedes: proposal.supersedes.map((ref) => capCampaignId({ source: ref }, county)) }
        : {}),
    },
    target: { counties: [county], categories: ['A', 'B'] },
    window: proposal.window,
    cadence: { A: { everyHours: urgent ? 12 : 24 }, B: { everyHours: 24 } },
    messages: {
      call: { yue: script, cmn: script },
      text: `${SMS_SIGNATURE}${trimForSms(proposal.message.full, SMS_MAX_CHARS - SMS_SIGNATURE.length)}`,
    },
    status: 'draft',
  };
}
