import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registrationJsonSchema } from '../../shared/registration/json-schema.js';

describe('docs/registration-form.schema.json', () => {
  it('is what the zod schema generates today (run `npm run docs` after changing the form)', () => {
    const committed = JSON.parse(readFileSync('docs/registration-form.schema.json', 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(registrationJsonSchema())));
  });

  it('documents every field of the form and rejects unknown ones', () => {
    const schema = registrationJsonSchema() as {
      properties: Record<string, unknown>;
      additionalProperties: unknown;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'name',
        'idNumber',
        'region',
        'living',
        'ability',
        'emergencyContacts',
        'consent',
        'refusal',
      ]),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(['name', 'gender', 'birthDate', 'phone', 'address', 'region', 'living']),
    );
  });
});
