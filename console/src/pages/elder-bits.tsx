/** The register's shared pieces: an elder as the API lists them, and their category and status tags. */
import { type MessageKey, t } from '../i18n.js';
import { Badge, type Tone } from '../ui.js';

export interface ElderRow {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string;
  idNumber?: string;
  region: { county: string; township: string; village: string };
  category: 'A' | 'B' | 'C';
  computedCategory?: 'A' | 'B' | 'C';
  rules: string[];
  categoryOverride?: { category: string; reason: string; by: string; at: string };
  status: string;
  living: string;
  channel: string;
  language: string;
  consent: string;
  contactId?: string;
  registeredOn: string;
  emergencyContacts?: { name: string; relation: string; phone: string }[];
}

const categoryTone = (c: string): Tone => (c === 'A' ? 'bad' : c === 'B' ? 'warn' : 'info');
/** A category by its text and a shape of its own (▲ A, ◆ B, ● C), not by colour alone. */
const CATEGORY_SHAPES: Record<string, string> = { A: '▲', B: '◆', C: '●' };

export function CategoryBadge({ category }: { category: string }) {
  return (
    <Badge
      text={t(`category.${category}` as MessageKey)}
      tone={categoryTone(category)}
      {...(CATEGORY_SHAPES[category] ? { icon: CATEGORY_SHAPES[category] } : {})}
    />
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge text={t(`elderStatus.${status}` as MessageKey)} tone={status === 'active' ? 'ok' : 'muted'} />
  );
}

/** A native select's options (kept native where the keyboard and tests pick by label). */
export function Options({ options }: { options: readonly { value: string; label: string }[] }) {
  return (
    <>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}
