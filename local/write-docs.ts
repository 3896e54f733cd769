/** Writes docs/registration-form.schema.json from the zod schema: `npm run docs`. */
import { writeFileSync } from 'node:fs';
import { registrationJsonSchema } from '../shared/registration/json-schema.js';

writeFileSync('docs/registration-form.schema.json', `${JSON.stringify(registrationJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote docs/registration-form.schema.json\n');
