import type { TestProject } from 'vitest/node';
import { type DynamoLocal, startDynamoLocal } from '../../local/dynamo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let dynamo: DynamoLocal | undefined;

/** One DynamoDB Local for the integration tier; each test file makes its own table (test/support/db.ts). */
export async function setup(project: TestProject) {
  dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown() {
  await dynamo?.stop();
}
