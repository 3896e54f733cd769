import type { PolicyConfig } from '../config.js';
import { type MessageKey, messages, msg } from '../i18n/messages.js';
import { idNumberField, makeRegistrationSchema, type Registration } from '../registration/schema.js';
import { parseOrErrors } from '../validation.js';
import type { SheetColumn } from './headers.js';
import type { Cell } from './read.js';
import type { ImportFieldError, ImportMode } from './types.js';
import { readCell } from './values.js';

/** A catalogue message that points at another row of the file (row numbers are not personal data). */
export function msgWithRow(key: MessageKey, row: number): string {
  const [zh, en] = messages[key];
  return `${zh}（第 ${row} 行） / ${en} (row ${row})`;
}

/** The parts of the form that come as a group of columns: all or none of them must be filled. */
const GROUPS = ['emergencyContacts.0', 'refusal'] as const;
const groupOf = (path: string) => GROUPS.find((g) => path.startsWith(`${g}.`));

/** The cells of a row read for their columns: given values by path, and the problems found. */
export interface MappedRow {
  /** non-blank cells by form path; null means "explicitly none" (残疾等级 无) */
  values: Map<string, unknown>;
  errors: ImportFieldError[];
}

/**
 * Reads a row's cells for the recognised columns. Blank required columns (register mode) and partly
 * filled groups (an emergency contact without its phone) are errors. Never throws.
 */
export function mapRow(
  columns: readonly SheetColumn[],
  cells: readonly Cell[],
  policy: PolicyConfig,
  mode: ImportMode,
): MappedRow {
  const values = new Map<string, unknown>();
  const errors: ImportFieldError[] = [];
  const implied = new Map<string, unknown>();
  for (const column of columns) {
    const { spec, header } = column;
    const reading = readCell(spec.kind, cells[column.index], header, policy);
    if (reading === undefined) {
      if (mode === 'register' && spec.required)
        errors.push({ path: spec.path, column: header, message: msg('text.required') });
    } else if (reading.ok) {
      if (!spec.notStored) values.set(spec.path, reading.value);
      for (const [path, value] of Object.entries(reading.also ?? {})) implied.set(path, value);
    } else errors.push({ path: spec.path, column: header, message: reading.message });
  }
  // what another cell implies (居住情况 空巢, 老年人类型 独居、失能) fills only what its own column left blank
  for (const [path, value] of implied) if (!values.has(path)) values.set(path, value);
  const filled = errors.filter((e) => e.message === msg('text.required') && values.has(e.path));
  for (const e of filled) errors.splice(errors.indexOf(e), 1);
  for (const group of GROUPS) {
    const members = columns.filter((c) => groupOf(c.spec.path) === group);
    const started = members.some(
      (c) => values.has(c.spec.path) || errors.some((e) => e.path === c.spec.path),
    );
    if (!started) continue;
    for (const c of members) {
      if (!values.has(c.spec.path) && !errors.some((e) => e.path === c.spec.path))
        errors.push({ path: c.spec.path, column: c.header, message: msg('text.required') });
    }
  }
  return { values, errors };
}

/** Builds a nested registration body from values by path ("region.county", "emergencyContacts.0.name"). */
export function bodyOf(values: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [path, value] of values) {
    if (value === null) continue;
    const parts = path.split('.');
    let target: Record<string, unknown> | unknown[] = body;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const nextIsIndex = /^\d+$/.test(parts[i + 1] as string);
      const holder = target as Record<string, unknown>;
      holder[part] ??= nextIsIndex ? [] : {};
      target = holder[part] as Record<string, unknown> | unknown[];
    }
    (target as Record<string, unknown>)[parts.at(-1) as string] = value;
  }
  return body;
}

/** The column a form path belongs to, for the report ("emergencyContacts.0.phone" → 紧急联系人电话). */
export function columnOf(columns: readonly SheetColumn[], path: string): string | undefined {
  const exact = columns.find((c) => c.spec.path === path);
  if (exact) return exact.header;
  // the schema sorts emergency contacts; the sheet has one, so any index is the sheet's contact
  const contact = path.replace(/^emergencyContacts\.\d+/, 'emergencyContacts.0');
  const same = columns.find((c) => c.spec.path === contact);
  if (same) return same.header;
  const inside = columns.find((c) => c.spec.path.startsWith(`${path}.`));
  if (inside) return inside.header;
  // a refusal that is missing is missing because of what 是否接受服务 says
  if (path === 'refusal') return columns.find((c) => c.spec.path === 'consent')?.header;
  return undefined;
}

type RegistrationSchema = ReturnType<typeof makeRegistrationSchema>;
const schemas = new WeakMap<PolicyConfig['counties'], RegistrationSchema>();

/** Building the form's schema costs more than checking a row with it: one per set of counties. */
function schemaFor(policy: PolicyConfig): RegistrationSchema {
  let schema = schemas.get(policy.counties);
  if (!schema) {
    schema = makeRegistrationSchema(policy.counties);
    schemas.set(policy.counties, schema);
  }
  return schema;
}

/**
 * Validates a body with the registration form's own schema, adding the sheet's column to each problem.
 * Problems on paths the cell reading already reported are dropped (one message per cell).
 */
export function validateBody(
  policy: PolicyConfig,
  columns: readonly SheetColumn[],
  body: unknown,
  already: readonly ImportFieldError[] = [],
): { ok: true; registration: Registration } | { ok: false; errors: ImportFieldError[] } {
  const result = parseOrErrors(schemaFor(policy), body);
  const reported = new Set(already.map((e) => e.path));
  const fromSchema = result.ok
    ? []
    : result.errors
        .filter((e) => !reported.has(e.path.replace(/^emergencyContacts\.\d+/, 'emergencyContacts.0')))
        .map((e) => withColumn(columns, e));
  const errors = [...already, ...fromSchema];
  if (result.ok && errors.length === 0) return { ok: true, registration: result.value };
  return { ok: false, errors };
}

function withColumn(columns: readonly SheetColumn[], e: { path: string; message: string }): ImportFieldError {
  const column = columnOf(columns, e.path);
  return column ? { path: e.path, column, message: e.message } : e;
}

/**
 * A register-mode row: read and validated as a whole registration form.
 * @example prepareRegisterRow(columns, cells, policy) // { ok: true, registration, values }
 */
export function prepareRegisterRow(
  columns: readonly SheetColumn[],
  cells: readonly Cell[],
  policy: PolicyConfig,
):
  | { ok: true; registration: Registration; values: ReadonlyMap<string, unknown> }
  | { ok: false; errors: ImportFieldError[] } {
  const mapped = mapRow(columns, cells, policy, 'register');
  const checked = validateBody(policy, columns, bodyOf(mapped.values), mapped.errors);
  return checked.ok ? { ok: true, registration: checked.registration, values: mapped.values } : checked;
}

/**
 * A merge-mode row: its non-blank cells and its ID number (required, checked), before the elder is
 * looked up.
 */
export function prepareMergeRow(
  columns: readonly SheetColumn[],
  cells: readonly Cell[],
  policy: PolicyConfig,
):
  | { ok: true; idNumber: string; values: ReadonlyMap<string, unknown> }
  | { ok: false; errors: ImportFieldError[] } {
  const mapped = mapRow(columns, cells, policy, 'merge');
  const errors = [...mapped.errors];
  const idColumn = columnOf(columns, 'idNumber');
  const raw = mapped.values.get('idNumber');
  let idNumber: string | undefined;
  if (raw === undefined) {
    if (!errors.some((e) => e.path === 'idNumber'))
      errors.push({
        path: 'idNumber',
        ...(idColumn ? { column: idColumn } : {}),
        message: msg('import.mergeNeedsId'),
      });
  } else {
    const checked = parseOrErrors(idNumberField, raw);
    if (checked.ok) idNumber = checked.value;
    else
      errors.push(
        ...checked.errors.map((e) => ({
          path: 'idNumber',
          ...(idColumn ? { column: idColumn } : {}),
          message: e.message,
        })),
      );
  }
  if (errors.length > 0 || idNumber === undefined) return { ok: false, errors };
  return { ok: true, idNumber, values: mapped.values };
}
