/** Roles of visit contacts (探访关爱服务联系人), without dependencies so the web console can bundle them. */
export const CONTACT_ROLES = [
  'committeeStaff',
  'socialWorker',
  'civilAffairsCadre',
  'pinganTong',
  'volunteer',
] as const;
