/**
 * The one DynamoDB table of the register (single-table design). Both the CDK stateful stack and the
 * local stack build the table from this definition, so the two cannot drift. The access patterns are
 * written down in docs/table-design.md.
 */
export const registerTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** county listings of elders and contacts; visits by county and month */
  byCounty: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** sparse: elders whose category may change on a coming birthday, keyed by that date */
  byAgeLine: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /**
   * sparse: what is due (a check-in to start, an attempt, an escalation step), keyed by hour bucket
   * and shard (`DUE#2025-07-01T09#3`) so one busy hour is not one hot partition
   */
  byDue: { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const;

export const keyAttributes = [
  registerTable.partitionKey,
  registerTable.sortKey,
  registerTable.byCounty.partitionKey,
  registerTable.byCounty.sortKey,
  registerTable.byAgeLine.partitionKey,
  registerTable.byAgeLine.sortKey,
  registerTable.byDue.partitionKey,
  registerTable.byDue.sortKey,
] as const;
