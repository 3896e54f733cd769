import type { ImportFormat } from './read.js';

/** register: county sheets of the whole form; merge: a few columns from another bureau, by ID number. */
export const IMPORT_MODES = ['register', 'merge'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** One problem of a row: the form field, the column as headed in the sheet, and a bilingual message. */
export interface ImportFieldError {
  path: string;
  column?: string;
  message: string;
}

/** A row that was not imported, by its row number as Excel shows it. */
export interface RowError {
  row: number;
  errors: ImportFieldError[];
}

export interface ImportCounts {
  /** data rows (non-blank rows below the header) */
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** What an import did: counts, the file's warnings, and every row that was not imported. */
export interface ImportReport extends ImportCounts {
  importId: string;
  mode: ImportMode;
  format: ImportFormat;
  /** true: nothing was written; the counts say what importing the file would do */
  dryRun: boolean;
  /** once per file: unknown or repeated columns */
  warnings: string[];
  /** the columns the import does not know; `carriesFlags` when they hold 是 / √ marks that were not imported */
  unknownColumns: { header: string; carriesFlags: boolean }[];
  /** in row order */
  errors: RowError[];
}

/** Reported while an import runs, at least every 100 rows. */
export interface ImportProgress {
  processed: number;
  total: number;
}
