/**
 * Classification throughput: 100,000 synthetic profiles through the plan's rules.
 * Run: npm run bench:classify
 */
import { makePolicyConfig } from '../shared/config.js';
import { classify, type PolicyProfile } from '../shared/policy/classify.js';
import { ABILITY_GRADES, LIVING } from '../shared/registration/fields.js';

const N = 100_000;
const policy = makePolicyConfig();
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;

const profiles: PolicyProfile[] = Array.from({ length: N }, () => ({
  birthDate: `${1920 + Math.floor(rnd() * 45)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
  living: pick(LIVING),
  emptyNest: rnd() < 0.4,
  leftBehind: rnd() < 0.1,
  ability: rnd() < 0.8 ? 'intact' : pick(ABILITY_GRADES),
  dementia: rnd() < 0.05,
  disabilityGrade: rnd() < 0.1 ? 1 + Math.floor(rnd() * 4) : undefined,
  lowIncome: rnd() < 0.1,
  familyPlanningSpecial: rnd() < 0.03,
  caresForDisabledChild: rnd() < 0.03,
  partnerImpaired: rnd() < 0.1,
  region: { county: pick(Object.keys(policy.counties)) },
}));

const counts: Record<string, number> = { A: 0, B: 0, C: 0, ineligible: 0 };
// warm-up so the figure is the steady state, not the JIT
for (let i = 0; i < 10_000; i++) classify(profiles[i % N] as PolicyProfile, '2025-07-01', policy);
const runs: number[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = process.hrtime.bigint();
  for (const p of profiles) {
    const c = classify(p, '2025-07-01', policy);
    if (r === 0) counts[c.category ?? 'ineligible'] = (counts[c.category ?? 'ineligible'] ?? 0) + 1;
  }
  runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
runs.sort((a, b) => a - b);
const median = runs[2] as number;
console.log(
  `classify: ${N.toLocaleString('en')} profiles, median of 5 runs ${median.toFixed(3)} s → ${Math.round(N / median).toLocaleString('en')} profiles/s`,
);
console.log(`  categories: ${JSON.stringify(counts)}  node ${process.version}`);
