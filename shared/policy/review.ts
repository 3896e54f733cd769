import { msg } from '../i18n/messages.js';
import type { Category, RuleCode } from '../registration/fields.js';
import { isHigherCategory } from './classify.js';

/**
 * Why a category would change: the rules gained and lost between two classifications, each with its
 * plain-language text (Chinese, then English).
 * @example reviewReasons(['A1'], ['C']) // [{ rule: 'A1', change: 'lost', text: '失能… / loss of ability…' }]
 */
export function reviewReasons(
  before: readonly RuleCode[],
  after: readonly RuleCode[],
): { rule: RuleCode; change: 'gained' | 'lost'; text: string }[] {
  const lost = before.filter((r) => r !== 'C' && !after.includes(r));
  const gained = after.filter((r) => r !== 'C' && !before.includes(r));
  return [
    ...lost.map((rule) => ({ rule, change: 'lost' as const, text: msg(`rule.${rule}`) })),
    ...gained.map((rule) => ({ rule, change: 'gained' as const, text: msg(`rule.${rule}`) })),
  ];
}

/**
 * The category in force after a recomputation that no person confirmed: never lower than the one in
 * force before. A lowering keeps the previous category (held) until staff confirm it on the review
 * list; a raise applies at once.
 * @example categoryAfter({ before: 'A', proposed: 'C' }) // { category: 'A', held: true }
 * @example categoryAfter({ before: 'C', proposed: 'A' }) // { category: 'A', held: false }
 */
export function categoryAfter(change: { before: Category; proposed: Category }): {
  category: Category;
  held: boolean;
} {
  return isHigherCategory(change.before, change.proposed)
    ? { category: change.before, held: true }
    : { category: change.proposed, held: false };
}
