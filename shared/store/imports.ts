import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../errors.js';
import type { ImportFormat } from '../import/read.js';
import type { ImportCounts, ImportMode, RowError } from '../import/types.js';
import type { Db } from './client.js';
import { importKeys } from './keys.js';

export type ImportStatus = 'running' | 'done' | 'failed';

/** The import job item: what an API shows while a big file is imported and afterwards. */
export interface ImportJob extends ImportCounts {
  importId: string;
  mode: ImportMode;
  status: ImportStatus;
  actor: string;
  startedAt: string;
  /** the county of the county administrator who started it (absent: a city administrator's) */
  county?: string;
  format?: ImportFormat;
  /** rows finished so far (equals total once done) */
  processed: number;
  warnings: string[];
  /** the first rows with errors (at most MAX_STORED_ERROR_ROWS, and within the item size limit) */
  errors: RowError[];
  /** true when more rows failed than are stored here: the full list is in the import's report */
  errorsTruncated: boolean;
  /** why a failed import stopped (bilingual) */
  failure?: string;
}

/** Another import already holds this id. */
export class ImportAlreadyStarted extends DomainError {
  constructor(readonly importId: string) {
    super('import.alreadyStarted', 409, 'importId');
  }
}

export const MAX_STORED_ERROR_ROWS = 200;
// DynamoDB items hold at most 400 KB; keep room for the rest of the item and for long messages
const MAX_STORED_ERROR_BYTES = 300_000;

/** The first error rows that fit in the job item. */
export function errorsForJob(errors: readonly RowError[]): { errors: RowError[]; truncated: boolean } {
  const kept: RowError[] = [];
  let bytes = 0;
  for (const e of errors) {
    if (kept.length >= MAX_STORED_ERROR_ROWS) break;
    bytes += Buffer.byteLength(JSON.stringify(e));
    if (bytes > MAX_STORED_ERROR_BYTES) break;
    kept.push(e);
  }
  return { errors: kept, truncated: kept.length < errors.length };
}

/** Writes a new running job; throws ImportAlreadyStarted when the id is taken. */
export async function createImportJob(
  db: Db,
  job: Pick<ImportJob, 'importId' | 'mode' | 'actor' | 'startedAt' | 'county'>,
): Promise<void> {
  const item: ImportJob = {
    ...job,
    status: 'running',
    total: 0,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    warnings: [],
    errors: [],
    errorsTruncated: false,
  };
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...importKeys.job(job.importId), type: 'import', ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ImportAlreadyStarted(job.importId);
    throw error;
  }
}

type Progress = ImportCounts & { processed: number; format?: ImportFormat | undefined };

const setExpression = (values: Record<string, unknown>) => {
  const names: Record<string, string> = {};
  const attrs: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    names[`#${key}`] = key;
    attrs[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: attrs,
  };
};

/** Updates the counts of a running job. */
export async function recordImportProgress(db: Db, importId: string, progress: Progress): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: importKeys.job(importId),
      ConditionExpression: 'attribute_exists(pk)',
      ...setExpression({ ...progress }),
    }),
  );
}

/** Marks a job done or failed with its final counts, warnings and first errors. */
export async function finishImportJob(
  db: Db,
  importId: string,
  outcome: Progress & {
    status: Exclude<ImportStatus, 'running'>;
    warnings: string[];
    errors: readonly RowError[];
    failure?: string | undefined;
  },
): Promise<void> {
  const { errors, truncated } = errorsForJob(outcome.errors);
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: importKeys.job(importId),
      ConditionExpression: 'attribute_exists(pk)',
      ...setExpression({ ...outcome, errors, errorsTruncated: truncated }),
    }),
  );
}

/** Reads an import job, or undefined when there is none with this id. */
export async function getImportJob(db: Db, importId: string): Promise<ImportJob | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: importKeys.job(importId), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...job } = out.Item;
  return job as ImportJob;
}
