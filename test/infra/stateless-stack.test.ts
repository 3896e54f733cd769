import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
  Metadata?: Json;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

let synth: SynthesizedApp;
let template: Template;
let resources: Record<string, Resource>;
/** `{ 'Fn::ImportValue': … }` of the stateful stack's table ARN, table name and key ARN */
let imported: { tableArn: Json; tableName: Json; keyArn: Json };

beforeAll(() => {
  synth = synthesizeApp();
  template = synth.statelessTemplate;
  resources = template.toJSON().Resources as Record<string, Resource>;
  const outputs = synth.statefulTemplate.toJSON().Outputs as Record<
    string,
    { Value: unknown; Export?: { Name: string } }
  >;
  const importOf = (value: unknown): Json => {
    const output = Object.values(outputs).find((o) => JSON.stringify(o.Value) === JSON.stringify(value));
    if (!output?.Export) throw new Error(`the stateful stack exports no ${JSON.stringify(value)}`);
    return { 'Fn::ImportValue': output.Export.Name };
  };
  imported = {
    tableArn: importOf({ 'Fn::GetAtt': ['RegisterTable', 'Arn'] }),
    tableName: importOf({ Ref: 'RegisterTable' }),
    keyArn: importOf({ 'Fn::GetAtt': ['RegisterKey', 'Arn'] }),
  };
});
afterAll(() => synth?.cleanup());

const res = (id: string): Resource => {
  const found = resources[id];
  if (!found) throw new Error(`no resource ${id} in the stateless stack`);
  return found;
};
const variables = (fnId: string): Json => (res(fnId).Properties.Environment as { Variables: Json }).Variables;
const ofType = (type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalId = (element: unknown): string => synth.stateless.getLogicalId(element as CfnElement);
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** all statements of all identity policies (inline and AWS::IAM::Policy) attached to a role */
function statementsOfRole(roleLogicalId: string): Statement[] {
  const role = res(roleLogicalId);
  expect(role.Type).toBe('AWS::IAM::Role');
  const inline = (
    (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []
  ).flatMap((p) => p.PolicyDocument.Statement);
  const attached = ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

function roleOfFunction(fnLogicalId: string): string {
  const role = res(fnLogicalId).Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

describe('Lambda functions', () => {
  it('are exactly the API function and the reclassification job', () => {
    expect(
      ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    ).toEqual(
      [
        logicalId(synth.stateless.apiFunction.node.defaultChild),
        logicalId(synth.stateless.reclassifyFunction.node.defaultChild),
      ].sort(),
    );
  });

  it('all run nodejs22.x on arm64 with active tracing, an encrypted log group with retention and their own role', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.MemorySize, id).toBe(1024);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Handler, id).toBe('index.handler');
      expect(variables(id).TABLE_NAME, id).toEqual(imported.tableName);
      const logGroupRef = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const logGroup = res(logGroupRef);
      expect(logGroup.Type, id).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays, id).toBe(365);
      expect(logGroup.Properties.KmsKeyId, id).toEqual(imported.keyArn);
    }
  });

  it('are bundled locally as minified ESM with the createRequire banner and a source map', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      // the code is staged in the assembly as asset.<hash>/, uploaded as <hash>.zip
      const s3Key = (fn.Properties.Code as { S3Key?: string }).S3Key;
      expect(s3Key, id).toMatch(/^[0-9a-f]{64}\.zip$/);
      const dir = path.join(synth.outdir, `asset.${s3Key?.replace(/\.zip$/, '')}`);
      expect(existsSync(path.join(dir, 'index.mjs.map')), id).toBe(true);
      const code = readFileSync(path.join(dir, 'index.mjs'), 'utf-8');
      expect(
        code.startsWith(
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*as handler\s*\}|export\s*\{\s*handler\s*\}/);
    }
  });

  it('configures the API function for the HTTP API', () => {
    const id = logicalId(synth.stateless.apiFunction.node.defaultChild);
    expect(res(id).Properties.Timeout).toBe(29);
    expect(variables(id)).toMatchObject({
      TABLE_NAME: imported.tableName,
      POWERTOOLS_SERVICE_NAME: 'anxin-api',
    });
  });

  it('uses no AWS managed policies', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe("the API function's permissions", () => {
  let statements: Statement[];
  beforeAll(() => {
    statements = statementsOfRole(roleOfFunction(logicalId(synth.stateless.apiFunction.node.defaultChild)));
  });

  it('contain no wildcard action (no "*", no "dynamodb:*", no "kms:*")', () => {
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).not.toContain('*');
  });

  it('allow only item-level DynamoDB actions, no table administration', () => {
    const dynamodb = statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamodb).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']),
    );
    const dataPlane = new Set([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    for (const action of dynamodb) expect(dataPlane.has(action), action).toBe(true);
  });

  it('scope DynamoDB access to the register table and its two indexes', () => {
    const dynamodb = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamodb.length).toBeGreaterThan(0);
    for (const statement of dynamodb) {
      expect(statement.Effect).toBe('Allow');
      expect(asList(statement.Resource)).toEqual([
        imported.tableArn,
        { 'Fn::Join': ['', [imported.tableArn, '/index/gsi1']] },
        { 'Fn::Join': ['', [imported.tableArn, '/index/gsi2']] },
      ]);
    }
  });

  it('scope KMS use to the table key, through DynamoDB only', () => {
    const kms = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect(asList(kms[0]?.Action).sort()).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    expect(kms[0]?.Resource).toEqual(imported.keyArn);
    expect(kms[0]?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': {
          'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
        },
      },
    });
  });

  it('use Resource "*" only for the X-Ray actions that have no resource-level permissions', () => {
    const unscoped = statements.filter((s) => asList(s.Resource).includes('*'));
    expect(unscoped.map((s) => asList(s.Action).sort())).toEqual([
      ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    ]);
  });
});

describe('HTTP API', () => {
  it('has exactly the two proxy routes', () => {
    expect(
      ofType('AWS::ApiGatewayV2::Route')
        .map(([, r]) => r.Properties.RouteKey)
        .sort(),
    ).toEqual(['ANY /api/{proxy+}', 'GET /healthz']);
  });

  it('authorizes every route with IAM: no open route', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [id, route] of routes) expect(route.Properties.AuthorizationType, id).toBe('AWS_IAM');
  });

  it('proxies every route to the API function (payload 2.0)', () => {
    const apiFn = logicalId(synth.stateless.apiFunction.node.defaultChild);
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    expect(integrations[0]?.[1].Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [apiFn, 'Arn'] },
    });
  });

  it('has a $default stage with throttling and access logs to an encrypted log group', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]?.[1].Properties as Json;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const accessLog = stage.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
      Format: string;
    };
    const logGroup = res(accessLog.DestinationArn['Fn::GetAtt'][0]);
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    expect(logGroup.Properties.KmsKeyId).toEqual(imported.keyArn);
    expect(JSON.parse(accessLog.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', {});
  });
});

describe('daily reclassification schedule', () => {
  let schedule: Json;
  let reclassifyFn: string;
  let queue: string;
  beforeAll(() => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    schedule = schedules[0]?.[1].Properties as Json;
    reclassifyFn = logicalId(synth.stateless.reclassifyFunction.node.defaultChild);
    queue = logicalId(synth.stateless.reclassifyDeadLetterQueue.node.defaultChild);
  });

  it('fires at 00:05 every day, China time', () => {
    expect(schedule.ScheduleExpression).toBe('cron(5 0 * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(schedule.State).toBe('ENABLED');
    expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
  });

  it('invokes the reclassification function and dead-letters failed deliveries', () => {
    expect(schedule.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [reclassifyFn, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
    });
  });

  it('assumes a role that may only invoke that function (and send to its dead-letter queue)', () => {
    const roleId = (schedule.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn[
      'Fn::GetAtt'
    ][0];
    const trust = res(roleId).Properties.AssumeRolePolicyDocument as { Statement: Statement[] };
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    ]);
    const statements = statementsOfRole(roleId).map((s) => ({
      Action: s.Action,
      Resource: s.Resource,
      Effect: s.Effect,
    }));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [reclassifyFn, 'Arn'] } },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
    ]);
  });

  it('sends the failed asynchronous invocations of the function to the same queue', () => {
    expect(res(reclassifyFn).Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] },
    });
    expect(
      (res(reclassifyFn).Properties.Environment as { Variables: Json } | undefined)?.Variables.TABLE_NAME,
    ).toEqual(imported.tableName);
  });

  it('has an encrypted dead-letter queue that refuses non-TLS access', () => {
    const props = res(queue).Properties as Json;
    expect(props.SqsManagedSseEnabled === true || props.KmsMasterKeyId !== undefined).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
