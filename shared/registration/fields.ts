/** Enumerations of the registration form, shared by the schema, the policy and the import. */
export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

export const LIVING = ['alone', 'couple', 'withFamily', 'other'] as const;
export type Living = (typeof LIVING)[number];

/** GB/T 42195-2022 grades of ability, from intact to total loss, in order. */
export const ABILITY_GRADES = ['intact', 'mild', 'moderate', 'severe', 'total'] as const;
export type AbilityGrade = (typeof ABILITY_GRADES)[number];

export const LANGUAGES = ['yue', 'cmn'] as const;
export const CHANNELS = ['voice', 'sms'] as const;
export const RELATIONS = ['child', 'relative', 'neighbour', 'committee'] as const;
export type Relation = (typeof RELATIONS)[number];
export const CONSENT = ['accepted', 'refused'] as const;

export const CATEGORIES = ['A', 'B', 'C'] as const;
export type Category = (typeof CATEGORIES)[number];

export const RULES = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'C'] as const;
export type RuleCode = (typeof RULES)[number];

/** active; in hospital (住院, check-ins pause); moved away (迁出); died (去世); left the service (退出) */
export const ELDER_STATUS = ['active', 'hospital', 'moved', 'died', 'left'] as const;
export type ElderStatus = (typeof ELDER_STATUS)[number];
