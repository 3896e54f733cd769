// placeholder: replaced by the daily age-line reclassification job
export const handler = async () => ({ reclassified: 0 });
