/**
 * Fields and the API's errors next to them (Ant Design's Form.Item): each field registers the API path
 * of its errors; a form's `show(error)` puts each message under its field. Kept apart from ui.tsx so
 * the login page loads no table.
 */
import Form from 'antd/es/form';
import { createContext, type ReactNode, useCallback, useContext, useId, useMemo, useState } from 'react';
import { ApiError, type FieldError } from './api.js';
import { pickLanguage } from './format.js';
import { lang, t } from './i18n.js';
import { errorText } from './shell.js';

// ---------------------------------------------------------------------------------------------
// Fields and the API's errors next to them

interface FieldRegistry {
  /** API path → the id of its control */
  paths: Map<string, string>;
  errors: Record<string, string>;
}

const FieldsContext = createContext<FieldRegistry | null>(null);

/**
 * The errors of one form: `show(error)` puts each API error under the field of its path (or its
 * nearest parent: "messages.call.yue" → "messages.call" → "messages"), focuses the first, and
 * answers the text for the form's alert (the rest, or "correct the marked fields").
 */
export function useFormErrors() {
  const registry = useMemo<FieldRegistry>(() => ({ paths: new Map(), errors: {} }), []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  registry.errors = errors;
  const clear = useCallback(() => setErrors({}), []);
  const show = useCallback(
    (error: unknown): string => {
      const list: FieldError[] = error instanceof ApiError ? error.errors : [];
      const next: Record<string, string> = {};
      const rest: string[] = [];
      let first: string | undefined;
      for (const e of list) {
        const text = pickLanguage(e.message, lang());
        const parts = (e.path ?? '').replace(/^(body|query)\./, '').split('.');
        let found: string | undefined;
        while (parts.length > 0 && parts[0] !== '') {
          const p = parts.join('.');
          if (registry.paths.has(p)) {
            found = p;
            break;
          }
          parts.pop();
        }
        if (!found) {
          rest.push(text);
          continue;
        }
        next[found] = next[found] ? `${next[found]}；${text}` : text;
        first ??= found;
      }
      setErrors(next);
      if (first) {
        const id = registry.paths.get(first);
        setTimeout(() => (id ? document.getElementById(id)?.focus() : undefined), 0);
      }
      if (list.length === 0) return errorText(error);
      return rest.length > 0 ? rest.join('；') : t('error.fields');
    },
    [registry],
  );
  const Provider = useCallback(
    ({ children }: { children: ReactNode }) => (
      <FieldsContext.Provider value={registry}>{children}</FieldsContext.Provider>
    ),
    [registry],
  );
  return { errors, show, clear, Provider, registry };
}

/** What a Field hands its control. */
export interface ControlProps {
  id: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
  'aria-required'?: 'true';
}

/**
 * A labelled field (Ant Design's Form.Item): the label, the control, a hint, and the message of the
 * API error for `path` under it, which the control is described by.
 */
export function Field({
  label,
  path,
  hint,
  required,
  children,
  className,
}: {
  label: ReactNode;
  path?: string;
  hint?: ReactNode;
  required?: boolean;
  children: (props: ControlProps) => ReactNode;
  className?: string;
}) {
  const { id, error } = useFieldPath(path);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ');
  const props: ControlProps = {
    id,
    ...(error ? { 'aria-invalid': 'true' as const } : {}),
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(required ? { 'aria-required': 'true' as const } : {}),
  };
  return (
    <Form.Item
      className={className ? `field ${className}` : 'field'}
      label={label}
      htmlFor={id}
      required={required ?? false}
      {...(error
        ? {
            validateStatus: 'error' as const,
            help: (
              <span id={`${id}-err`} className="field-error">
                {t('error.prefix')}
                {error}
              </span>
            ),
          }
        : {})}
      {...(hint
        ? {
            extra: (
              <span id={`${id}-hint`} className="hint">
                {hint}
              </span>
            ),
          }
        : {})}
    >
      {children(props)}
    </Form.Item>
  );
}

/** Registers `path` with the form's errors: the id its control must carry, and the error for it. */
export function useFieldPath(path: string | undefined): { id: string; error: string | undefined } {
  const id = useId();
  const registry = useContext(FieldsContext);
  if (registry && path) registry.paths.set(path, id);
  return { id, error: registry && path ? registry.errors[path] : undefined };
}

/**
 * A group of controls (a fieldset with its legend) that the API's errors for `path` are shown under;
 * it takes the focus when its error is the first.
 */
export function Group({
  legend,
  path,
  children,
  className,
}: {
  legend: ReactNode;
  path?: string;
  children: ReactNode;
  className?: string;
}) {
  const { id, error } = useFieldPath(path);
  return (
    <fieldset
      id={id}
      tabIndex={-1}
      className={className}
      {...(error ? { 'aria-invalid': true, 'aria-describedby': `${id}-err` } : {})}
    >
      <legend>{legend}</legend>
      {children}
      {error ? <ErrorUnder id={`${id}-err`} text={error} /> : null}
    </fieldset>
  );
}

/** An error message under a control that is not a Field (the control names it in aria-describedby). */
export function ErrorUnder({ id, text }: { id: string; text: string }) {
  return (
    <p id={id} className="field-error">
      {t('error.prefix')}
      {text}
    </p>
  );
}
