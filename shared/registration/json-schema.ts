import * as z from 'zod';
import { registrationSchema } from './schema.js';

/**
 * The registration form as JSON Schema (draft 2020-12), generated from the zod schema so the docs
 * cannot drift from what the API and the import accept. Input side: what a client sends.
 */
export function registrationJsonSchema(): Record<string, unknown> {
  return {
    title: '基本信息登记表 Registration form',
    description: 'Body of POST /api/elders and POST /api/classify; columns of the bulk import.',
    ...z.toJSONSchema(registrationSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
  };
}
