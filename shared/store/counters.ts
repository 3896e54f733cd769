/**
 * The fields of the stored counters (each counts up from 0), without dependencies so the web console
 * can bundle them: a campaign's progress (shared/store/campaigns.ts) and a place's day figures
 * (shared/store/stats.ts), which re-export them.
 */

export const PROGRESS_FIELDS = [
  'started',
  'well',
  'needsHelp',
  'notReached',
  'casesOpened',
  'casesClosed',
] as const;
export type ProgressField = (typeof PROGRESS_FIELDS)[number];

export const DAY_STATS_FIELDS = [
  'checkInsOpened',
  'callsPlaced',
  'textsSent',
  'well',
  'needsHelp',
  'notReached',
] as const;
export type DayStatsField = (typeof DAY_STATS_FIELDS)[number];
