/** Writes docs/scenario.schema.json from the zod schema: `npx tsx local/simulation/write-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from './scenario.js';

writeFileSync('docs/scenario.schema.json', `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote docs/scenario.schema.json\n');
