import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

/**
 * Counts the capacity units every DynamoDB call of a client consumes: asks each call to return its
 * consumed capacity (DynamoDB Local reports it) and adds it up.
 */
export function meterCapacity(client: DynamoDBClient) {
  const meter = { units: 0, calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (input && typeof input === 'object' && !('ReturnConsumedCapacity' in input))
        input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Capacity }).ConsumedCapacity;
      const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
      for (const c of list) meter.units += c.CapacityUnits ?? 0;
      meter.calls++;
      return result;
    },
    { step: 'initialize', name: 'anxinCapacityMeter' },
  );
  return meter;
}
