import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_IDS } from '../../infra/lib/app.js';
import { STATEFUL_LOGICAL_IDS, TABLE_INDEXES } from '../../infra/lib/stateful-stack.js';
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
  it('names the table, the key, the secrets and the user pool with the pinned logical ids', () => {
    // literal on purpose: if someone edits STATEFUL_LOGICAL_IDS, this test must still go red
    expect(STATEFUL_LOGICAL_IDS).toEqual({
      table: 'RegisterTable',
      key: 'RegisterKey',
      linkSigningSecret: 'LinkSigningSecret',
      capSecret: 'CapSecret',
      userPool: 'StaffUserPool',
    });
    expect(resource('RegisterTable').Type).toBe('AWS::DynamoDB::Table');
    expect(resource('RegisterKey').Type).toBe('AWS::KMS::Key');
    expect(resource('LinkSigningSecret').Type).toBe('AWS::SecretsManager::Secret');
    expect(resource('CapSecret').Type).toBe('AWS::SecretsManager::Secret');
    expect(resource('StaffUserPool').Type).toBe('AWS::Cognito::UserPool');
  });

  it('does not derive the logical ids from the construct path', () => {
    // the rendered logical id (with the override), not the one allocated from the construct path
    const { stateful } = synth;
    const rendered = (element: unknown): unknown => stateful.resolve((element as CfnElement).logicalId);
    expect(rendered(stateful.table.node.defaultChild)).toBe('RegisterTable');
    expect(rendered(stateful.key.node.defaultChild)).toBe('RegisterKey');
    expect(rendered(stateful.linkSigningSecret.node.defaultChild)).toBe('LinkSigningSecret');
    expect(rendered(stateful.userPool.node.defaultChild)).toBe('StaffUserPool');
  });

  it('keeps the stateful stack name', () => {
    expect(synth.stateful.stackName).toBe('AnxinStateful');
    expect(synth.stateful.terminationProtection).toBe(true);
  });

  it('holds the only table, key, secrets and user pool of the app', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    synth.statelessTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    synth.statelessTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
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
      ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
    );
    expect(Properties.GlobalSecondaryIndexes).toEqual(
      [registerTable.byCounty, registerTable.byAgeLine, registerTable.byDue].map((index) => ({
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

  it('has the sparse due index gsi3 (gsi3pk/gsi3sk, strings, projection ALL)', () => {
    expect(registerTable.byDue).toEqual({ indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'gsi3',
          KeySchema: [
            { AttributeName: 'gsi3pk', KeyType: 'HASH' },
            { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
    });
  });

  it('builds one index per index of the shared table definition, so they cannot drift', () => {
    const defined = Object.values(registerTable)
      .filter((value) => typeof value === 'object')
      .map((index) => index.indexName);
    const deployed = (
      resource('RegisterTable').Properties.GlobalSecondaryIndexes as { IndexName: string }[]
    ).map((index) => index.IndexName);
    expect(deployed).toEqual(defined);
    expect(TABLE_INDEXES.map((index) => index.indexName)).toEqual(defined);
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

  const keyStatement = (sid: string): Record<string, unknown> => {
    const statements = (resource('RegisterKey').Properties.KeyPolicy as { Statement: { Sid?: string }[] })
      .Statement;
    const found = statements.find((s) => s.Sid === sid);
    if (!found) throw new Error(`no key policy statement ${sid}`);
    return found;
  };
  const arnIn = (service: string, resourcePart: string): unknown => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${resourcePart}`,
      ],
    ],
  });

  it('lets CloudWatch alarms of this account use it to publish to the encrypted ops topic', () => {
    expect(keyStatement('AllowCloudWatchAlarmsOfThisAccount')).toEqual({
      Sid: 'AllowCloudWatchAlarmsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': arnIn('cloudwatch', 'alarm:*') },
      },
    });
  });

  it('lets End User Messaging SMS of this account use it to publish inbound texts to the encrypted topic', () => {
    expect(keyStatement('AllowEndUserMessagingSmsOfThisAccount')).toEqual({
      Sid: 'AllowEndUserMessagingSmsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'sms-voice.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': arnIn('sms-voice', '*') },
      },
    });
  });
});

describe('link signing secret', () => {
  it('is retained on delete and on replacement', () => {
    const secret = resource('LinkSigningSecret');
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.UpdateReplacePolicy).toBe('Retain');
  });

  it('is encrypted with the customer-managed key', () => {
    expect(resource('LinkSigningSecret').Properties.KmsKeyId).toEqual({
      'Fn::GetAtt': ['RegisterKey', 'Arn'],
    });
  });

  it('is generated by Secrets Manager: 64 letters and digits, never a value in the template', () => {
    const { Properties } = resource('LinkSigningSecret');
    expect(Properties.GenerateSecretString).toEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    expect(Properties.SecretString).toBeUndefined();
  });

  it('has no automatic rotation (a new key would invalidate the links already sent)', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  it('is exported for the stateless stack, where only two roles may read it', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    const exported = Object.values(outputs).filter(
      (o) => JSON.stringify(o.Value) === JSON.stringify({ Ref: 'LinkSigningSecret' }),
    );
    expect(exported).toHaveLength(1);
    expect(exported[0]?.Export).toBeDefined();
    // no role in the stateful stack at all (the readers are the stateless stack's functions)
    template.resourceCountIs('AWS::IAM::Role', 0);
  });
});
