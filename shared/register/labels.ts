import type { FieldError } from '../errors.js';
import { labelled } from '../validation.js';

/**
 * The registration form's fields as the console's form and the county template label them, Chinese
 * and English. A validation problem is shown under its field as "label：plain sentence" (issue 13,
 * part 8); the `path` stays for the form to place it and is never shown.
 */
export const FORM_LABELS: Record<string, readonly [string, string]> = {
  name: ['姓名', 'Name'],
  gender: ['性别', 'Gender'],
  birthDate: ['出生日期', 'Date of birth'],
  idNumber: ['身份证号', 'ID number'],
  phone: ['联系电话', 'Phone'],
  address: ['住址', 'Address'],
  region: ['所在地（县、镇、村）', 'Place (county, township, village)'],
  'region.county': ['县（市、区）', 'County'],
  'region.township': ['镇（街道）', 'Township'],
  'region.village': ['村（居）', 'Village'],
  living: ['居住情况', 'Living arrangement'],
  emptyNest: ['空巢', 'Empty-nest'],
  leftBehind: ['留守', 'Left-behind'],
  ability: ['失能等级', 'Ability grade'],
  dementia: ['失智', 'Dementia'],
  disabilityGrade: ['残疾等级', 'Disability grade'],
  lowIncome: ['低保', 'Minimum living allowance'],
  familyPlanningSpecial: ['计划生育特殊家庭', 'Family-planning special family'],
  caresForDisabledChild: ['长期照料失能失智子女', 'Cares for a disabled child'],
  partnerImpaired: ['同住老人失能失智残疾', 'Partner impaired'],
  language: ['语言', 'Language'],
  channel: ['回访方式', 'Check-in channel'],
  emergencyContacts: ['紧急联系人', 'Emergency contacts'],
  'emergencyContacts.name': ['紧急联系人姓名', 'Emergency contact name'],
  'emergencyContacts.relation': ['与老人关系', 'Relation to the elder'],
  'emergencyContacts.phone': ['紧急联系人电话', 'Emergency contact phone'],
  contactId: ['探访关爱服务联系人', 'Visit contact'],
  consent: ['接受服务意愿', 'Consent'],
  refusal: ['拒绝服务书面记录', 'Written refusal'],
  'refusal.date': ['拒绝日期', 'Refusal date'],
  'refusal.note': ['拒绝说明', 'Refusal note'],
  'refusal.recordedBy': ['记录人', 'Recorded by'],
  categoryOverride: ['调整类别', 'Raised category'],
  'categoryOverride.category': ['调整后的类别', 'Raised category'],
  'categoryOverride.reason': ['调整理由', 'Reason'],
  status: ['状态', 'Status'],
  callWindows: ['呼叫时段', 'Calling windows'],
};

/** The label of a form path; list indexes do not matter ("emergencyContacts.1.phone"). */
export function formLabel(path: string): readonly [string, string] | undefined {
  return FORM_LABELS[path] ?? FORM_LABELS[path.replace(/\.\d+(?=\.|$)/g, '')];
}

/** The form's problems with their labels in front. */
export const labelForm = (errors: readonly FieldError[]) => labelled(errors, formLabel);
