import { type MessageKey, msg } from './i18n/messages.js';

/** One problem with a request or a row, pointing at the field it concerns ("region.county"). */
export interface FieldError {
  path: string;
  message: string;
}

/** Bad input: maps to 400 with every problem listed. */
export class ValidationFailed extends Error {
  override readonly name = 'ValidationFailed';
  constructor(readonly errors: FieldError[]) {
    super(`validation failed: ${errors.map((e) => e.path || '(body)').join(', ')}`);
  }
}

/** A domain rule refused a well-formed request: maps to 409 or 422 with a bilingual message. */
export class DomainError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly status: 404 | 409 | 412 | 422,
    readonly path = '',
    readonly context: Record<string, string> = {},
  ) {
    super(msg(code));
    this.name = 'DomainError';
  }
}

export class ElderNotFound extends DomainError {
  constructor(readonly elderId: string) {
    super('elder.notFound', 404, 'id');
  }
}

export class ElderAlreadyRegistered extends DomainError {
  constructor(readonly existingElderId: string) {
    super('elder.duplicate', 409, 'idNumber', { existingElderId });
  }
}

export class ElderNotEligible extends DomainError {
  constructor(readonly age: number) {
    super('elder.underAge', 422, 'birthDate', { age: String(age) });
  }
}

export class ConcurrentChange extends DomainError {
  constructor(readonly elderId: string) {
    super('elder.conflict', 409);
  }
}

export class CategoryLoweringRefused extends DomainError {
  constructor() {
    super('category.lowering', 422, 'categoryOverride.category');
  }
}

export class ContactNotFound extends DomainError {
  constructor(readonly contactId: string) {
    super('contact.notFound', 422, 'contactId');
  }
}
