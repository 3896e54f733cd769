import type * as z from 'zod';
// two locales only: `z.locales` would pull all forty-odd into every Lambda bundle
import en from 'zod/v4/locales/en.js';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { type FieldError, ValidationFailed } from './errors.js';

const zhError = zhCN().localeError;
const enError = en().localeError;
const text = (m: ReturnType<typeof zhError>) => (typeof m === 'string' ? m : (m?.message ?? ''));

/** zod's own messages in Chinese first, then English; custom messages are already bilingual. */
const bilingual: z.core.$ZodErrorMap = (issue) => `${text(zhError(issue))} / ${text(enError(issue))}`;

export function toFieldErrors(error: z.ZodError, prefix: (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses outside input or throws ValidationFailed listing every problem with its field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  data: unknown,
  prefix: (string | number)[] = [],
): z.output<T> {
  const result = schema.safeParse(data, { error: bilingual });
  if (!result.success) throw new ValidationFailed(toFieldErrors(result.error, prefix));
  return result.data;
}

/** Like parseOrThrow, but returns the errors instead (the import reports them per row). */
export function parseOrErrors<T extends z.ZodType>(
  schema: T,
  data: unknown,
): { ok: true; value: z.output<T> } | { ok: false; errors: FieldError[] } {
  const result = schema.safeParse(data, { error: bilingual });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: toFieldErrors(result.error) };
}
