/**
 * `npm run simulate -- scenario.json [--out result.json]`: runs a scenario on a virtual clock (a week in
 * seconds) and prints a summary; the whole result goes to --out as JSON. Exit codes: 0 done, 1 the run
 * failed or the system raised errors, 2 bad usage or a bad scenario. See docs/simulation.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { simMsg } from './simulation/messages.js';
import type { SimulationResult } from './simulation/result.js';
import { simulate } from './simulation/run.js';
import { formatScenarioErrors, parseScenario, type Scenario } from './simulation/scenario.js';
import { formatSummary } from './simulation/summary.js';

function fail(code: 1 | 2, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The arguments, or exit 2 with the usage. */
function readArgs(): { file: string; out: string | undefined } {
  try {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: { out: { type: 'string', short: 'o' } },
    });
    const [file, ...extra] = positionals;
    if (file && extra.length === 0) return { file, out: values.out };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
  }
  return fail(2, simMsg('cli.usage'));
}

/** The scenario file, validated, or exit 2 with every problem. */
function readScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(2, `${simMsg('scenario.unreadable')}: ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(2, `${simMsg('scenario.notJson')}: ${file}: ${(error as Error).message}`);
  }
  const parsed = parseScenario(json);
  return parsed.ok ? parsed.scenario : fail(2, `${file}\n${formatScenarioErrors(parsed.errors)}`);
}

async function main(): Promise<void> {
  const { file, out } = readArgs();
  const scenario = readScenario(file);
  // Ctrl-C or a kill: the run stops and DynamoDB Local with it
  const abort = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort());
  const onDay = process.stderr.isTTY
    ? (day: number, days: number) => process.stderr.write(`\r第 ${day}/${days} 天 day ${day}/${days}`)
    : undefined;
  let result: SimulationResult;
  try {
    result = await simulate(scenario, { signal: abort.signal, ...(onDay ? { onDay } : {}) });
  } catch (error) {
    return fail(1, `\n${simMsg('cli.failed')}: ${(error as Error).name}: ${(error as Error).message}`);
  }
  if (onDay) process.stderr.write('\r\x1b[K');
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(formatSummary(result));
  if (out) process.stdout.write(`\n  → ${out}\n`);
  if (result.errors.length > 0) fail(1, simMsg('cli.systemErrors'));
}

void main();
