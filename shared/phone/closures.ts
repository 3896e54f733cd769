/**
 * A case's statuses and closures, without dependencies so the web console can bundle them;
 * shared/phone/case.ts re-exports them.
 */

export const CASE_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CLOSURES = [
  'reachedWell',
  'visited',
  'hospital',
  'unreachable',
  'moved',
  'died',
  'other',
] as const;
export type Closure = (typeof CLOSURES)[number];
