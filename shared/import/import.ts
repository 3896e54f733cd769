import type { PolicyConfig } from '../config.js';
import {
  ConcurrentChange,
  ContactNotFound,
  DomainError,
  ElderAlreadyRegistered,
  ElderNotEligible,
} from '../errors.js';
import { msg } from '../i18n/messages.js';
import { ageOn } from '../policy/age.js';
import { ELIGIBLE_AGE } from '../policy/classify.js';
import type { Actor } from '../register/elder.js';
import { applyChange, registerParsed, registrationOf } from '../register/service.js';
import type { Registration } from '../registration/schema.js';
import type { Db } from '../store/client.js';
import { getContact } from '../store/contacts.js';
import { findElderIdByPerson, getElder } from '../store/elders.js';
import { createImportJob, finishImportJob, recordImportProgress } from '../store/imports.js';
import { personKey } from '../store/keys.js';
import { dateInPolicyZone, isoInPolicyZone } from '../time.js';
import { findHeaderRow, isFooterRow, matchHeaders, missingRequired, type SheetColumn } from './headers.js';
import { changedFields, overlayMerge, overlayRegister } from './merge.js';
import {
  type Cell,
  type ImportFile,
  type ImportFormat,
  ImportRejected,
  readSheet,
  type SheetRow,
} from './read.js';
import { columnOf, msgWithRow, prepareMergeRow, prepareRegisterRow, validateBody } from './rows.js';
import type {
  ImportCounts,
  ImportFieldError,
  ImportMode,
  ImportProgress,
  ImportReport,
  RowError,
} from './types.js';

export interface ImportDeps {
  db: Db;
  policy: PolicyConfig;
}

export interface ImportOptions {
  mode: ImportMode;
  /** the job's id (the API's, or a fresh UUID); must not be in use */
  importId: string;
  actor: Actor;
  /** called with 0 once the file is read, then at least every 100 rows and at the end */
  onProgress?: (progress: ImportProgress) => void;
  /** rows written at the same time (default 16) */
  concurrency?: number;
  /** what the importing user may write: absent, everything (a city administrator) */
  scope?: ImportScope;
  /** read and check everything, write no elder: the counts say what a commit would do */
  dryRun?: boolean;
  /** keep the rejected rows' cells and the header row (for the rejected-rows XLSX) */
  keepRejected?: boolean;
}

/** The rejected rows as written, with the sheet's header row (ImportOptions.keepRejected). */
export interface RejectedRows {
  header: Cell[];
  rows: { row: number; cells: Cell[]; problems: string[] }[];
}

/**
 * A county administrator's import: only rows of places they see are written. Rows of another county
 * are refused row by row, and an elder of another county answers as an unknown one, so the report
 * never tells them anything about another county's register.
 */
export interface ImportScope {
  /** the county the job belongs to, kept on the job item (who may follow its progress) */
  county: string;
  sees(place: { county: string; township?: string }): boolean;
}

const DEFAULT_CONCURRENCY = 16;
const PROGRESS_EVERY = 100;
const JOB_UPDATE_EVERY = 500;
/** writes retried when another writer got there first (an edit on screen, a second import) */
const ATTEMPTS = 3;

type Outcome = 'created' | 'updated' | 'unchanged' | ImportFieldError[];

/**
 * Imports a county spreadsheet (CSV or XLSX) of the registration form, or merges another bureau's
 * columns into existing elders by ID number. Bad rows are reported and skipped; good rows are
 * registered or updated; importing the same file again creates nothing new. The import job item
 * (getImportJob) follows the progress and ends as done or failed.
 * @example
 * const report = await importRegister(deps, { bytes, filename: '蓬江区.xlsx' },
 *   { mode: 'register', importId: randomUUID(), actor: { actor: 'user-1', now: new Date() } });
 * // { created: 120, updated: 0, unchanged: 0, failed: 3, errors: [{ row: 7, errors: [...] }], ... }
 */
export async function importRegister(
  deps: ImportDeps,
  file: ImportFile,
  options: ImportOptions,
): Promise<ImportReport & { rejected?: RejectedRows }> {
  const { db } = deps;
  const { importId, mode, actor } = options;
  await createImportJob(db, {
    importId,
    mode,
    actor: actor.actor,
    startedAt: isoInPolicyZone(actor.now),
    ...(options.scope ? { county: options.scope.county } : {}),
  });
  const run = new ImportRun(deps, options);
  try {
    const report = await run.execute(file);
    await finishImportJob(db, importId, { ...report, processed: report.total, status: 'done' });
    return options.keepRejected ? { ...report, rejected: run.rejected() } : report;
  } catch (error) {
    const failure = error instanceof DomainError ? error.message : msg('request.internal');
    // a progress write still on its way must not land after the final state
    await run.settled();
    await finishImportJob(db, importId, { ...run.snapshot(), status: 'failed', failure }).catch(
      () => undefined,
    );
    throw error;
  }
}

/** One import's state: its counts, its errors and the pacing of progress reports. */
class ImportRun {
  private format: ImportFormat | undefined;
  private warnings: string[] = [];
  private unknownColumns: ImportReport['unknownColumns'] = [];
  private errors: RowError[] = [];
  private counts: ImportCounts = { total: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
  private processed = 0;
  private header: Cell[] = [];
  private rejectedCells = new Map<number, Cell[]>();
  private jobWrites: Promise<void> = Promise.resolve();
  private readonly today: string;

  constructor(
    private readonly deps: ImportDeps,
    private readonly options: ImportOptions,
  ) {
    this.today = dateInPolicyZone(options.actor.now);
  }

  snapshot() {
    return {
      ...this.counts,
      processed: this.processed,
      format: this.format,
      warnings: this.warnings,
      errors: this.sortedErrors(),
    };
  }

  /** Resolves once the progress writes sent so far are done (they never reject). */
  settled(): Promise<void> {
    return this.jobWrites;
  }

  rejected(): RejectedRows {
    return {
      header: this.header,
      rows: this.sortedErrors().map((e) => ({
        row: e.row,
        cells: this.rejectedCells.get(e.row) ?? [],
        problems: e.errors.map((p) => (p.column ? `${p.column}：${zhOf(p.message)}` : zhOf(p.message))),
      })),
    };
  }

  private sortedErrors(): RowError[] {
    return this.errors.toSorted((a, b) => a.row - b.row);
  }

  async execute(file: ImportFile): Promise<ImportReport> {
    const { format, rows } = await readSheet(file);
    this.format = format;
    const headerAt = findHeaderRow(rows);
    const header = rows[headerAt];
    if (!header) throw new ImportRejected('import.emptyFile');
    const { columns, unknown, repeated } = matchHeaders(header.cells);
    // checked before the warnings are kept: a sheet without headers would otherwise quote its first
    // data row (names, ID numbers) as "unknown columns"
    this.checkColumns(columns);
    if (this.options.keepRejected) this.header = [...header.cells];
    // footer lines (填表人 / 审核人 / 填表日期, 合计) are not data
    const data = rows.slice(headerAt + 1).filter((r) => !isFooterRow(r.cells));
    // a column the import does not know is reported; one that carries flags (是, √) loudly
    const flagged = new Set(
      unknown.filter((u) => data.some((r) => isFlagMark(r.cells[u.index]))).map((u) => u.header),
    );
    this.unknownColumns = unknown.map((u) => ({ header: u.header, carriesFlags: flagged.has(u.header) }));
    this.warnings = [
      ...unknown.map((u) =>
        flagged.has(u.header)
          ? msg('import.unknownFlagColumn', u.header)
          : msg('import.unknownColumn', u.header),
      ),
      ...repeated.map((h) => msg('import.repeatedColumn', h)),
    ];
    // the header and title rows go; only the data rows stay in memory from here on
    rows.length = 0;
    if (data.length === 0) throw new ImportRejected('import.emptyFile');
    this.counts.total = data.length;
    await recordImportProgress(this.deps.db, this.options.importId, { ...this.counts, processed: 0, format });
    this.options.onProgress?.({ processed: 0, total: data.length });

    await this.processRows(data, columns);
    await this.jobWrites;
    const { importId, mode } = this.options;
    return {
      importId,
      mode,
      format,
      dryRun: this.options.dryRun === true,
      ...this.counts,
      warnings: this.warnings,
      unknownColumns: this.unknownColumns,
      errors: this.sortedErrors(),
    };
  }

  private checkColumns(columns: readonly SheetColumn[]): void {
    if (this.options.mode === 'register') {
      const missing = missingRequired(columns);
      if (missing.length > 0) throw new ImportRejected('import.missingHeader', missing.join('、'));
    } else if (!columns.some((c) => c.spec.path === 'idNumber')) {
      throw new ImportRejected('import.missingHeader', '身份证号');
    }
  }

  /**
   * Reading and validating a row is synchronous and done in row order, so the first of two rows of
   * the same person is the one imported; only the DynamoDB work runs concurrently.
   */
  private async processRows(data: SheetRow[], columns: readonly SheetColumn[]): Promise<void> {
    const limit = Math.max(1, this.options.concurrency ?? DEFAULT_CONCURRENCY);
    const firstRowOf = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    let fatal: { error: unknown } | undefined;
    const columnPaths = new Set(columns.map((c) => c.spec.path));

    for (let i = 0; i < data.length && !fatal; i++) {
      const { row, cells } = data[i] as SheetRow;
      // free each row's cells once read: only the rows not yet read and the report stay in memory
      data[i] = { row, cells: [] };
      const prepared = this.prepare(cells, columns);
      const keep = (outcome: Outcome) => {
        if (this.options.keepRejected && typeof outcome !== 'string') this.rejectedCells.set(row, cells);
        return outcome;
      };
      if (!prepared.ok) {
        this.done(row, keep(prepared.errors));
        continue;
      }
      const first = firstRowOf.get(prepared.key);
      if (first !== undefined) {
        this.done(row, keep([{ path: '', message: msgWithRow('import.duplicateRow', first) }]));
        continue;
      }
      firstRowOf.set(prepared.key, row);
      const task = prepared
        .write(columnPaths)
        .then(
          (outcome) => this.done(row, keep(outcome)),
          (error: unknown) => {
            if (error instanceof DomainError) this.done(row, keep([domainProblem(error, columns)]));
            else fatal ??= { error };
          },
        )
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (fatal) throw fatal.error;
  }

  private prepare(
    cells: SheetRow['cells'],
    columns: readonly SheetColumn[],
  ):
    | { ok: false; errors: ImportFieldError[] }
    | { ok: true; key: string; write: (columnPaths: ReadonlySet<string>) => Promise<Outcome> } {
    const { policy } = this.deps;
    if (this.options.mode === 'merge') {
      const merge = prepareMergeRow(columns, cells, policy);
      if (!merge.ok) return merge;
      return {
        ok: true,
        key: `ID|${merge.idNumber}`,
        write: () => this.mergeRow(merge.idNumber, merge.values, columns),
      };
    }
    const prepared = prepareRegisterRow(columns, cells, policy);
    if (!prepared.ok) return prepared;
    const { registration, values } = prepared;
    const outside = this.outside(registration, columns);
    if (outside) return { ok: false, errors: [outside] };
    const age = ageOn(registration.birthDate, this.today);
    if (age < ELIGIBLE_AGE) return { ok: false, errors: [domainProblem(new ElderNotEligible(age), columns)] };
    return {
      ok: true,
      key: personKey(registration).pk,
      write: (columnPaths) => this.upsert(registration, values, columnPaths, columns),
    };
  }

  /** Register mode: create the elder, or update the one already registered for this person. */
  private async upsert(
    registration: Registration,
    values: ReadonlyMap<string, unknown>,
    columnPaths: ReadonlySet<string>,
    columns: readonly SheetColumn[],
  ): Promise<Outcome> {
    const { deps } = this;
    const { actor } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const id = await findElderIdByPerson(deps.db, registration);
        const before = id ? await getElder(deps.db, id) : undefined;
        if (before && !this.sees(before.region)) {
          // the same person registered in a county the user does not see: refused, naming nothing
          const column = columnOf(columns, 'idNumber');
          return [{ path: 'idNumber', ...(column ? { column } : {}), message: msg('elder.duplicate') }];
        }
        const contactRefused = await this.contactOutside(registration.contactId, columns);
        if (contactRefused) return [contactRefused];
        if (!before) {
          if (this.options.dryRun) return this.wouldCreate(registration, columns);
          await registerParsed(deps, registration, actor, 'import');
          return 'created';
        }
        const existing = registrationOf(before);
        const merged = validateBody(
          deps.policy,
          columns,
          overlayRegister(existing, registration, values, columnPaths),
        );
        if (!merged.ok) return merged.errors;
        const movedOut = this.outside(merged.registration, columns);
        if (movedOut) return [movedOut];
        const fields = changedFields(existing, merged.registration);
        if (fields.length === 0) return 'unchanged';
        if (this.options.dryRun) return 'updated';
        await applyChange(deps, before, merged.registration, { fields }, actor, 'import');
        return 'updated';
      } catch (error) {
        // a row written by someone else between our read and our write: read again and retry
        if (
          (error instanceof ElderAlreadyRegistered || error instanceof ConcurrentChange) &&
          attempt < ATTEMPTS
        )
          continue;
        throw error;
      }
    }
  }

  /** Merge mode: lay the sheet's non-blank columns over the elder with this ID number. */
  private async mergeRow(
    idNumber: string,
    values: ReadonlyMap<string, unknown>,
    columns: readonly SheetColumn[],
  ): Promise<Outcome> {
    const { deps } = this;
    const { actor } = this.options;
    const column = columnOf(columns, 'idNumber');
    for (let attempt = 1; ; attempt++) {
      try {
        // the person key of someone with an ID number is the ID number alone
        const id = await findElderIdByPerson(deps.db, {
          idNumber,
          name: '',
          birthDate: '',
          region: { county: '', township: '', village: '' },
        });
        const before = id ? await getElder(deps.db, id) : undefined;
        // an elder of a county the user does not see is, to them, not registered
        if (!before || !this.sees(before.region))
          return [{ path: 'idNumber', ...(column ? { column } : {}), message: msg('import.notRegistered') }];
        const existing = registrationOf(before);
        const merged = validateBody(deps.policy, columns, overlayMerge(existing, values));
        if (!merged.ok) return merged.errors;
        const movedOut = this.outside(merged.registration, columns);
        if (movedOut) return [movedOut];
        const contactRefused = await this.contactOutside(merged.registration.contactId, columns);
        if (contactRefused) return [contactRefused];
        const fields = changedFields(existing, merged.registration);
        if (fields.length === 0) return 'unchanged';
        if (this.options.dryRun) return 'updated';
        await applyChange(deps, before, merged.registration, { fields }, actor, 'merge');
        return 'updated';
      } catch (error) {
        if (error instanceof ConcurrentChange && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** A dry run's new elder: what registering would refuse (an unknown contact), without writing. */
  private async wouldCreate(registration: Registration, columns: readonly SheetColumn[]): Promise<Outcome> {
    if (registration.contactId && !(await getContact(this.deps.db, registration.contactId)))
      return [domainProblem(new ContactNotFound(registration.contactId), columns)];
    return 'created';
  }

  private sees(place: { county: string; township?: string }): boolean {
    return this.options.scope?.sees(place) ?? true;
  }

  /** The row's problem when its elder would be in a county the user does not see. */
  private outside(registration: Registration, columns: readonly SheetColumn[]): ImportFieldError | undefined {
    if (this.sees(registration.region)) return undefined;
    const column = columnOf(columns, 'region.county');
    return { path: 'region.county', ...(column ? { column } : {}), message: msg('import.otherCounty') };
  }

  /** A contact of a county the user does not see answers as an unknown contact. */
  private async contactOutside(
    contactId: string | undefined,
    columns: readonly SheetColumn[],
  ): Promise<ImportFieldError | undefined> {
    if (!contactId || !this.options.scope) return undefined;
    const contact = await getContact(this.deps.db, contactId);
    if (!contact || this.sees(contact)) return undefined;
    return domainProblem(new ContactNotFound(contactId), columns);
  }

  /** Counts a finished row and reports progress at the agreed pace. */
  private done(row: number, outcome: Outcome): void {
    if (typeof outcome === 'string') this.counts[outcome]++;
    else {
      this.counts.failed++;
      this.errors.push({ row, errors: outcome });
    }
    this.processed++;
    const { processed } = this;
    const { total } = this.counts;
    if (processed % PROGRESS_EVERY === 0 || processed === total)
      this.options.onProgress?.({ processed, total });
    if (processed % JOB_UPDATE_EVERY === 0 && processed < total) {
      const progress = { ...this.counts, processed };
      // chained so that the job item never goes back to an older count; a lost progress write only
      // delays what the API shows, and the final write reports the outcome, so it does not stop the import
      this.jobWrites = this.jobWrites
        .then(() => recordImportProgress(this.deps.db, this.options.importId, progress))
        .catch(() => undefined);
    }
  }
}

/** The Chinese half of a bilingual message (the rejected-rows sheet is for county staff). */
const zhOf = (message: string) => message.split(' / ')[0] ?? message;

/** A cell that marks a flag: 是, √, ✓, 有, Y. */
const FLAG_MARK = /^(?:是|有|√|✓|✔|y|yes)$/i;
const isFlagMark = (cell: Cell) => typeof cell === 'string' && FLAG_MARK.test(cell.normalize('NFKC').trim());

/** A domain refusal (under 60, already registered, unknown contact) as a row problem. */
function domainProblem(error: DomainError, columns: readonly SheetColumn[]): ImportFieldError {
  const column = error.path ? columnOf(columns, error.path) : undefined;
  return { path: error.path, ...(column ? { column } : {}), message: error.message };
}
