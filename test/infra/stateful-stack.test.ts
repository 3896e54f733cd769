import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_IDS } from '../../infra/lib/app.js';
import { STATEFUL_LOGICAL_IDS } from '../../infra/lib/stateful-stack.js';
import { registerTable } from '../../shared/store/table.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

let synth: SynthesizedApp;
let template: Template;

beforeAll(() => {
  synth = synthesizeApp();
  template = synth.statefulTemplate;
});
afterAll(() => synth?.cleanup());

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
const resource = (logicalId: string): Resource => {
  const found = (template.toJSON().Resources as Record<string, Resource>)[logicalId];
  if (!found) throw new Error(`no resource with logical id ${logicalId} in ${STACK_IDS.stateful}`);
  return found;
};

describe('stable logical ids of the stateful resources', () => {
  it('names the table and the key with the pinned logical ids', () => {
    // literal on purpose: if someone edits STATEFUL_LOGICAL_IDS, this test must still go red
    expect(STATEFUL_LOGICAL_IDS).toEqual({ table: 'RegisterTable', key: 'RegisterKey' });
    expect(resource('RegisterTable').Type).toBe('AWS::DynamoDB::Table');
    expect(resource('RegisterKey').Type).toBe('AWS::KMS::Key');
  });

  it('does not derive the logical ids from the construct path', () => {
    // the rendered logical id (with the override), not the one allocated from the construct path
    const { stateful } = synth;
    const rendered = (element: unknown): unknown => stateful.resolve((element as CfnElement).logicalId);
    expect(rendered(stateful.table.node.defaultChild)).toBe('RegisterTable');
    expect(rendered(stateful.key.node.defaultChild)).toBe('RegisterKey');
  });

  it('keeps the stateful stack name', () => {
    expect(synth.stateful.stackName).toBe('AnxinStateful');
    expect(synth.stateful.terminationProtection).toBe(true);
  });

  it('holds the only table and the only key of the app', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    synth.statelessTemplate.resourceCountIs('AWS::DynamoDB::Table', 0);
    synth.statelessTemplate.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    synth.statelessTemplate.resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('register table', () => {
  it('is retained on delete and on replacement, and protected from deletion', () => {
    const table = resource('RegisterTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('is encrypted with the customer-managed key', () => {
    expect(resource('RegisterTable').Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': ['RegisterKey', 'Arn'] },
    });
  });

  it('has point-in-time recovery on and bills on demand', () => {
    const { Properties } = resource('RegisterTable');
    expect(Properties.PointInTimeRecoverySpecification).toEqual(
      expect.objectContaining({ PointInTimeRecoveryEnabled: true }),
    );
    expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Properties.ProvisionedThroughput).toBeUndefined();
  });

  it('has the keys and indexes of the shared table definition, all strings, projection ALL', () => {
    const { Properties } = resource('RegisterTable');
    expect(Properties.KeySchema).toEqual([
      { AttributeName: registerTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: registerTable.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Properties.AttributeDefinitions).toEqual(
      ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
    );
    expect(Properties.GlobalSecondaryIndexes).toEqual(
      [registerTable.byCounty, registerTable.byAgeLine].map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(registerTable.byCounty.indexName).toBe('gsi1');
    expect(registerTable.byAgeLine.indexName).toBe('gsi2');
  });
});

describe('customer-managed key', () => {
  it('is retained and rotates', () => {
    const key = resource('RegisterKey');
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.UpdateReplacePolicy).toBe('Retain');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('lets CloudWatch Logs use it only for log groups of this account and region', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: {
              Service: {
                'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
              },
            },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':logs:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':log-group:*',
                    ],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });
});
