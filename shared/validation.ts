import type * as z from 'zod';
// two locales only: `z.locales` would pull all forty-odd into every Lambda bundle
import en from 'zod/v4/locales/en.js';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { type FieldError, ValidationFailed } from './errors.js';

const zhError = zhCN().localeError;
const enError = en().localeError;
const text = (m: ReturnType<typeof zhError>) => (typeof m === 'string' ? m : (m?.message ?? ''));

type Issue = Parameters<z.core.$ZodErrorMap>[0];

/**
 * A plain sentence for zod's common issues, as a person reads it next to a field: never a type name,
 * an enum's values or a comparison sign (issue 13, part 8). Undefined: zod's own wording is used.
 */
function plain(issue: Issue): [string, string] | undefined {
  const i = issue as Issue & { origin?: string; minimum?: number | bigint; maximum?: number | bigint };
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined || i.input === null
        ? ['请填写', 'Please fill this in']
        : ['格式不正确', 'This is not in the expected form'];
    case 'invalid_value':
    case 'invalid_union':
      return ['请从给定的选项中选择', 'Choose one of the options given'];
    case 'invalid_format':
      return ['格式不正确', 'This is not in the expected form'];
    case 'too_small': {
      const n = Number(i.minimum);
      if (i.origin === 'string')
        return n <= 1 ? ['请填写', 'Please fill this in'] : [`至少 ${n} 个字`, `At least ${n} characters`];
      if (i.origin === 'array' || i.origin === 'set') return [`至少填写 ${n} 项`, `Give at least ${n}`];
      return [`不能小于 ${n}`, `Must be at least ${n}`];
    }
    case 'too_big': {
      const n = Number(i.maximum);
      if (i.origin === 'string') return [`不能超过 ${n} 个字`, `At most ${n} characters`];
      if (i.origin === 'array' || i.origin === 'set') return [`最多 ${n} 项`, `At most ${n}`];
      return [`不能大于 ${n}`, `Must be at most ${n}`];
    }
    default:
      return undefined;
  }
}

/** Plain sentences in Chinese first, then English; zod's own for the rare issues; custom messages are already bilingual. */
const bilingual: z.core.$ZodErrorMap = (issue) => {
  const sentence = plain(issue);
  if (sentence) return `${sentence[0]} / ${sentence[1]}`;
  return `${text(zhError(issue))} / ${text(enError(issue))}`;
};

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

/**
 * Puts the field's label in front of each message: "姓名：请填写 / Name: Please fill this in". `labelOf`
 * gives [中文, English] for a path, or undefined to leave the message as it is.
 */
export function labelled(
  errors: readonly FieldError[],
  labelOf: (path: string) => readonly [string, string] | undefined,
): FieldError[] {
  return errors.map((e) => {
    const label = labelOf(e.path);
    if (!label) return e;
    const cut = e.message.indexOf(' / ');
    const [zh, en] = cut < 0 ? [e.message, e.message] : [e.message.slice(0, cut), e.message.slice(cut + 3)];
    return { ...e, message: `${label[0]}：${zh} / ${label[1]}: ${en}` };
  });
}
