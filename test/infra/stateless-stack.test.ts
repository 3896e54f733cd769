import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/lib/bundling.js';
import type { Campaigns } from '../../infra/lib/campaigns.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

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
/** `{ 'Fn::ImportValue': … }` of the stateful stack's table ARN, table name, key ARN and link signing secret ARN */
let imported: { tableArn: Json; tableName: Json; keyArn: Json; secretArn: Json; capSecretArn: Json };

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
    secretArn: importOf({ Ref: 'LinkSigningSecret' }),
    capSecretArn: importOf({ Ref: 'CapSecret' }),
  };
});
afterAll(() => synth?.cleanup());

const res = (id: string): Resource => {
  const found = resources[id];
  if (!found) throw new Error(`no resource ${id} in the stateless stack`);
  return found;
};
const variables = (fnId: string): Json => (res(fnId).Properties.Environment as { Variables: Json }).Variables;
/**
 * The resources of a type, without the BucketDeployment handler's (a deploy-time function, role and policy
 * written by the CDK, shared by the console's deployments): console.test.ts checks those.
 */
const ofType = (type: string): [string, Resource][] =>
  Object.entries(resources).filter(
    ([id, r]) => r.Type === type && !id.startsWith('CustomCDKBucketDeployment'),
  );
/** Not a resource of the campaigns construct (test/infra/campaigns.test.ts checks its queues and roles). */
const notCampaigns = ([id]: [string, unknown]): boolean => !id.startsWith('Campaigns');
const logicalId = (element: unknown): string => synth.stateless.getLogicalId(element as CfnElement);
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** the staged code of a function (asset.<hash>/ in the assembly) */
const assetDir = (fnLogicalId: string): string => {
  const s3Key = (res(fnLogicalId).Properties.Code as { S3Key: string }).S3Key;
  return path.join(synth.outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
};

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

/** A schedule's target role: assumed only by EventBridge Scheduler, may only invoke `fnArn` and send to `dlqArn`. */
function expectSchedulerRoleFor(schedule: Json, fnArn: Json, dlqArn: Json): void {
  const roleId = (schedule.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn[
    'Fn::GetAtt'
  ][0];
  expect((res(roleId).Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement).toEqual([
    expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  ]);
  expect(
    statementsOfRole(roleId).map(({ Effect, Action, Resource }) => ({ Effect, Action, Resource })),
  ).toEqual([
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fnArn },
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: dlqArn },
  ]);
}

describe('Lambda functions', () => {
  it('are exactly the API, the imports, the reclassification job, the four phone-visit, the three home-visit and the campaigns functions', () => {
    const { stateless } = synth;
    const campaigns = stateless.node.findChild('Campaigns') as Campaigns;
    expect(
      ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    ).toEqual(
      [
        stateless.apiFunction,
        stateless.importsFunction,
        stateless.reclassifyFunction,
        stateless.phoneVisits.plannerFunction,
        stateless.phoneVisits.dispatcherFunction,
        stateless.phoneVisits.voiceFunction,
        stateless.phoneVisits.smsInboundFunction,
        stateless.homeVisits.remindersFunction,
        stateless.homeVisits.reportsFunction,
        stateless.homeVisits.visitPageFunction,
        campaigns.function,
      ]
        .map((fn) => logicalId(fn.node.defaultChild))
        .sort(),
    );
  });

  it('deploy every functions/<name>/handler.ts (one function each)', () => {
    const functionsDir = path.join(repoRoot, 'functions');
    const handlers = readdirSync(functionsDir).filter((name) =>
      existsSync(path.join(functionsDir, name, 'handler.ts')),
    );
    expect(handlers.sort()).toEqual([
      'api',
      'campaigns',
      'dispatcher',
      'imports',
      'planner',
      'reclassify',
      'reminders',
      'reports',
      'sms-inbound',
      'visit-page',
      'voice',
    ]);
    expect(ofType('AWS::Lambda::Function')).toHaveLength(handlers.length);
  });

  it('all run nodejs22.x on arm64 with active tracing, an encrypted log group with retention and their own role', () => {
    const importsFn = logicalId(synth.stateless.importsFunction.node.defaultChild);
    const reportsFn = logicalId(synth.stateless.homeVisits.reportsFunction.node.defaultChild);
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      // 1024 MB, except the imports (parsing a sheet in memory) and the reports (a month of a county)
      expect(fn.Properties.MemorySize, id).toBe([importsFn, reportsFn].includes(id) ? 1536 : 1024);
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

  it('leave the AWS SDK v3 to the runtime (imported, not bundled)', () => {
    const { apiFunction, importsFunction, reclassifyFunction } = synth.stateless;
    for (const fn of [apiFunction, importsFunction, reclassifyFunction]) {
      const code = readFileSync(path.join(assetDir(logicalId(fn.node.defaultChild)), 'index.mjs'), 'utf-8');
      expect(code).toMatch(/from\s*"@aws-sdk\/(client-dynamodb|lib-dynamodb)"/);
      // a bundled SDK carries its user-agent name (aws-sdk-js) in its sources
      expect(code).not.toContain('aws-sdk-js');
    }
  });

  it('are bundled exactly as bench/bundle-size.ts bundles them (the shared esbuild settings)', async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'anxin-bench-check-'));
    try {
      const outfile = path.join(outdir, 'index.mjs');
      await build({
        ...esbuildOptions(path.join(repoRoot, 'functions/reclassify/handler.ts'), outfile),
        absWorkingDir: repoRoot,
        logLevel: 'silent',
      });
      const deployed = readFileSync(
        path.join(assetDir(logicalId(synth.stateless.reclassifyFunction.node.defaultChild)), 'index.mjs'),
      );
      expect(readFileSync(outfile).equals(deployed)).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
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

  it('keeps the logical id of the API function (a new id would replace the deployed function)', () => {
    // literal on purpose: moving or renaming the construct must turn this test red
    expect(logicalId(synth.stateless.apiFunction.node.defaultChild)).toBe('ApiFunctionCE271BD4');
  });

  it('configures the imports function for the HTTP API, with more memory to parse XLSX', () => {
    const id = logicalId(synth.stateless.importsFunction.node.defaultChild);
    expect(res(id).Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 29,
      MemorySize: 1536,
      Handler: 'index.handler',
    });
    expect(variables(id)).toEqual({
      TABLE_NAME: imported.tableName,
      POWERTOOLS_SERVICE_NAME: 'anxin-imports',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('uses no AWS managed policies', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe.each([
  ['API', 'apiFunction'],
  ['imports', 'importsFunction'],
] as const)("the %s function's permissions", (_name, property) => {
  let statements: Statement[];
  beforeAll(() => {
    statements = statementsOfRole(roleOfFunction(logicalId(synth.stateless[property].node.defaultChild)));
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

  it('scope KMS use to the table key, through DynamoDB only (besides reading the CAP secret)', () => {
    const kms = statements.filter(
      (s) =>
        asList(s.Action).some((a) => a.startsWith('kms:')) &&
        !JSON.stringify(s.Condition ?? {}).includes('secretsmanager.'),
    );
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
  /** route key → logical id of the function its integration invokes */
  const routeTargets = (): Record<string, string> =>
    Object.fromEntries(
      ofType('AWS::ApiGatewayV2::Route').map(([, route]) => {
        const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
        const [prefix, integrationRef] = target['Fn::Join'][1];
        expect(prefix).toBe('integrations/');
        const integration = res(integrationRef.Ref);
        expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
        const uri = integration.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
        return [route.Properties.RouteKey as string, uri['Fn::GetAtt'][0]];
      }),
    );

  it('has exactly the two proxy routes, the two import routes, the report route, the two visit-page routes and the short-link route', () => {
    expect(
      ofType('AWS::ApiGatewayV2::Route')
        .map(([, r]) => r.Properties.RouteKey)
        .sort(),
    ).toEqual([
      'ANY /api/{proxy+}',
      'GET /api/imports/{id}',
      'GET /api/reports/{proxy+}',
      'GET /healthz',
      'GET /l/{id}',
      'GET /v/{token}',
      'POST /api/imports',
      'POST /v/{token}',
    ]);
  });

  it('authorizes every route with the Cognito JWT authorizer except the health check, the two visit-page routes and the short link', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers.map(([, a]) => a.Properties.AuthorizerType)).toEqual(['JWT']);
    const jwt = { Ref: authorizers[0]?.[0] };
    const open = new Set(['GET /healthz', 'GET /v/{token}', 'POST /v/{token}', 'GET /l/{id}']);
    for (const [id, route] of routes) {
      const key = route.Properties.RouteKey as string;
      if (open.has(key)) {
        expect(route.Properties.AuthorizationType, key).toBe('NONE');
        expect(route.Properties.AuthorizerId, key).toBeUndefined();
      } else {
        expect(route.Properties.AuthorizationType, `${id} ${key}`).toBe('JWT');
        expect(route.Properties.AuthorizerId, `${id} ${key}`).toEqual(jwt);
      }
    }
    expect(
      routes
        .filter(([, r]) => r.Properties.AuthorizationType !== 'JWT')
        .map(([, r]) => r.Properties.RouteKey)
        .sort(),
    ).toEqual(['GET /healthz', 'GET /l/{id}', 'GET /v/{token}', 'POST /v/{token}']);
  });

  it('has no IAM authorization left and no CORS (the console calls it on its own origin)', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.filter(([, r]) => r.Properties.AuthorizationType === 'AWS_IAM')).toEqual([]);
    const [api] = ofType('AWS::ApiGatewayV2::Api');
    expect(api?.[1].Properties.CorsConfiguration).toBeUndefined();
  });

  it('proxies each route to its function: imports, reports, visit page (and short links), the API function for the rest', () => {
    const { stateless } = synth;
    const apiFn = logicalId(stateless.apiFunction.node.defaultChild);
    const importsFn = logicalId(stateless.importsFunction.node.defaultChild);
    const reportsFn = logicalId(stateless.homeVisits.reportsFunction.node.defaultChild);
    const visitPageFn = logicalId(stateless.homeVisits.visitPageFunction.node.defaultChild);
    expect(routeTargets()).toEqual({
      'ANY /api/{proxy+}': apiFn,
      'GET /healthz': apiFn,
      'POST /api/imports': importsFn,
      'GET /api/imports/{id}': importsFn,
      'GET /api/reports/{proxy+}': reportsFn,
      'GET /v/{token}': visitPageFn,
      'POST /v/{token}': visitPageFn,
      'GET /l/{id}': visitPageFn,
    });
  });

  it('has one Lambda proxy integration (payload 2.0) per function', () => {
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(4);
    const targets = routeTargets();
    // the short link shares the visit page's integration (not only its function)
    const integrationOf = (key: string) =>
      ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)?.[1].Properties
        .Target;
    expect(integrationOf('GET /l/{id}')).toEqual(integrationOf('GET /v/{token}'));
    expect(integrationOf('POST /v/{token}')).toEqual(integrationOf('GET /v/{token}'));
    expect(new Set(Object.values(targets)).size).toBe(integrations.length);
    for (const [id, integration] of integrations) {
      expect(integration.Properties, id).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('lets API Gateway invoke the imports function only for the import routes of this API', () => {
    const importsFn = logicalId(synth.stateless.importsFunction.node.defaultChild);
    const apiId = logicalId(synth.stateless.api.node.defaultChild);
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) =>
        JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [importsFn, 'Arn'] }),
    );
    const sourcePaths = permissions.map(([id, p]) => {
      expect(p.Properties.Principal, id).toBe('apigateway.amazonaws.com');
      const parts = (p.Properties.SourceArn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      expect(parts, id).toContainEqual({ Ref: apiId });
      return parts.at(-1);
    });
    expect(sourcePaths.sort()).toEqual(['/*/*/api/imports', '/*/*/api/imports/{id}']);
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

  it('outputs the API URL, the console URL and the console app client id', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('ConsoleUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://',
            {
              'Fn::GetAtt': [logicalId(synth.stateless.console.distribution.node.defaultChild), 'DomainName'],
            },
            '/',
          ],
        ],
      },
    });
    template.hasOutput('UserPoolClientId', {
      Value: { Ref: logicalId(synth.stateless.access.client.node.defaultChild) },
    });
  });
});

describe('daily reclassification schedule', () => {
  let schedule: Json;
  let reclassifyFn: string;
  let queue: string;
  beforeAll(() => {
    expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(3);
    schedule = res(logicalId(synth.stateless.reclassifySchedule)).Properties;
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

describe('phone visits', () => {
  let ids: {
    planner: string;
    dispatcher: string;
    voice: string;
    smsInbound: string;
    dispatchQueue: string;
    dispatchDlq: string;
    urgentQueue: string;
    urgentDlq: string;
    plannerDlq: string;
    inboundDlq: string;
    inboundTopic: string;
    sma: string;
    opsTopic: string;
    reminders: string;
    remindersDlq: string;
  };
  const getAtt = (id: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [id, attribute] });
  beforeAll(() => {
    const phone = synth.stateless.phoneVisits;
    const id = (construct: { node: { defaultChild?: unknown } }): string =>
      logicalId(construct.node.defaultChild);
    ids = {
      planner: id(phone.plannerFunction),
      dispatcher: id(phone.dispatcherFunction),
      voice: id(phone.voiceFunction),
      smsInbound: id(phone.smsInboundFunction),
      dispatchQueue: id(phone.dispatchQueue),
      dispatchDlq: id(phone.dispatchDeadLetterQueue),
      urgentQueue: id(phone.urgentQueue),
      urgentDlq: id(phone.urgentDeadLetterQueue),
      plannerDlq: id(phone.plannerDeadLetterQueue),
      inboundDlq: id(phone.inboundSmsDeadLetterQueue),
      inboundTopic: id(phone.inboundSmsTopic),
      sma: logicalId(phone.sipMediaApplication),
      opsTopic: id(synth.stateless.opsTopic),
      reminders: id(synth.stateless.homeVisits.remindersFunction),
      remindersDlq: id(synth.stateless.homeVisits.remindersDeadLetterQueue),
    };
  });

  describe('functions', () => {
    it('all run nodejs22.x on arm64 with their own log group, bundled like the others', () => {
      for (const id of [ids.planner, ids.dispatcher, ids.voice, ids.smsInbound]) {
        expect(res(id).Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
        });
        expect(variables(id).TABLE_NAME, id).toEqual(imported.tableName);
      }
    });

    it('give the SIP media application handler 1024 MB and an 8 s timeout (Chime waits 5 s)', () => {
      expect(res(ids.voice).Properties).toMatchObject({ MemorySize: 1024, Timeout: 8 });
    });

    it('give every phone-visit function the dispatch queue, the urgent queue and the provider limits', () => {
      for (const id of [ids.planner, ids.dispatcher, ids.voice, ids.smsInbound]) {
        expect(variables(id), id).toMatchObject({
          DISPATCH_QUEUE_URL: { Ref: ids.dispatchQueue },
          URGENT_QUEUE_URL: { Ref: ids.urgentQueue },
          PROVIDER_LIMITS: '{"callsPerSecond":1,"callsInProgress":10,"smsPartsPerSecond":10}',
        });
      }
      expect(variables(ids.planner).POWERTOOLS_SERVICE_NAME).toBe('anxin-planner');
      expect(res(ids.planner).Properties.Timeout as number).toBeLessThan(5 * 60);
    });

    it('configure the dispatcher with the SIP media application, the caller number and the provider limits', () => {
      expect(res(ids.dispatcher).Properties.Timeout).toBe(60);
      expect(variables(ids.dispatcher)).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'anxin-dispatcher',
        CHIME_SMA_ID: getAtt(ids.sma, 'SipMediaApplicationId'),
        CHIME_FROM_NUMBER: '+10000000000',
        PROVIDER_LIMITS: '{"callsPerSecond":1,"callsInProgress":10,"smsPartsPerSecond":10}',
      });
    });
  });

  describe('planner schedule', () => {
    let schedule: Json;
    beforeAll(() => {
      schedule = res(logicalId(synth.stateless.phoneVisits.plannerSchedule)).Properties;
    });

    it('fires every 5 minutes in the Asia/Shanghai time zone', () => {
      expect(schedule).toMatchObject({
        ScheduleExpression: 'cron(0/5 * * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
    });

    it('invokes the planner, dead-letters to its queue, and gives up before the next tick', () => {
      expect(schedule.Target).toMatchObject({
        Arn: getAtt(ids.planner),
        DeadLetterConfig: { Arn: getAtt(ids.plannerDlq) },
        RetryPolicy: { MaximumEventAgeInSeconds: 240, MaximumRetryAttempts: 2 },
      });
      expect(res(ids.planner).Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(ids.plannerDlq) });
    });

    it('assumes a role that may only invoke the planner (and send to its dead-letter queue)', () => {
      expectSchedulerRoleFor(schedule, getAtt(ids.planner), getAtt(ids.plannerDlq));
    });
  });

  describe('dispatch and urgent queues', () => {
    const mappingOf = (queueId: string): Json => {
      const found = ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(getAtt(queueId)),
      );
      expect(found, queueId).toHaveLength(1);
      return (found[0] as [string, Resource])[1].Properties;
    };

    it('are the only event sources, both of the dispatcher, both with partial batch failures', () => {
      const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(notCampaigns);
      expect(mappings).toHaveLength(2);
      for (const [id, mapping] of mappings) {
        expect(mapping.Properties.FunctionName, id).toEqual({ Ref: ids.dispatcher });
        expect(mapping.Properties.FunctionResponseTypes, id).toEqual(['ReportBatchItemFailures']);
      }
      expect(mappings.map(([, m]) => m.Properties.EventSourceArn)).toEqual(
        expect.arrayContaining([getAtt(ids.dispatchQueue), getAtt(ids.urgentQueue)]),
      );
    });

    it('feed check-in attempts to the dispatcher in batches of 10, at most 2 parallel runs', () => {
      expect(mappingOf(ids.dispatchQueue)).toEqual({
        EventSourceArn: getAtt(ids.dispatchQueue),
        FunctionName: { Ref: ids.dispatcher },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });

    it('feed escalations to the dispatcher with no batching window and their own 2 parallel runs', () => {
      expect(mappingOf(ids.urgentQueue)).toEqual({
        EventSourceArn: getAtt(ids.urgentQueue),
        FunctionName: { Ref: ids.dispatcher },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 0,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });

    it('hide a received batch for at least 6 times the dispatcher timeout', () => {
      const timeout = res(ids.dispatcher).Properties.Timeout as number;
      for (const queue of [ids.dispatchQueue, ids.urgentQueue]) {
        const visibility = res(queue).Properties.VisibilityTimeout as number;
        expect(visibility, queue).toBeGreaterThanOrEqual(6 * timeout);
        expect(visibility, queue).toBe(360);
      }
    });

    it('move a message to its own dead-letter queue after 5 receives', () => {
      expect(res(ids.dispatchQueue).Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: getAtt(ids.dispatchDlq),
        maxReceiveCount: 5,
      });
      expect(res(ids.urgentQueue).Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: getAtt(ids.urgentDlq),
        maxReceiveCount: 5,
      });
    });

    it('keep the urgent queue exactly like the dispatch queue otherwise', () => {
      const { RedrivePolicy: _dispatch, ...dispatch } = res(ids.dispatchQueue).Properties;
      const { RedrivePolicy: _urgent, ...urgent } = res(ids.urgentQueue).Properties;
      expect(urgent).toEqual(dispatch);
      expect(res(ids.urgentDlq).Properties).toEqual(res(ids.dispatchDlq).Properties);
    });
  });

  describe('queues and alarms', () => {
    /** every queue something dead-letters to: redrive policies, function DLQs and destinations, schedules */
    const deadLetterQueues = (): string[] => {
      const targets = new Set<string>();
      const collect = (value: unknown): void => {
        const arn = value as { 'Fn::GetAtt'?: [string, string] } | undefined;
        const target = arn?.['Fn::GetAtt']?.[0];
        if (target && res(target).Type === 'AWS::SQS::Queue') targets.add(target);
      };
      for (const [, r] of Object.entries(resources)) {
        const p = r.Properties ?? {};
        if (r.Type === 'AWS::SQS::Queue' || r.Type === 'AWS::SNS::Subscription') {
          collect((p.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn);
        }
        if (r.Type === 'AWS::Lambda::Function') {
          collect((p.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn);
        }
        if (r.Type === 'AWS::Lambda::EventInvokeConfig') {
          collect(
            (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure
              ?.Destination,
          );
        }
        if (r.Type === 'AWS::Scheduler::Schedule') {
          collect((p.Target as { DeadLetterConfig?: { Arn?: unknown } }).DeadLetterConfig?.Arn);
        }
      }
      return [...targets].sort();
    };

    it('are six dead-letter queues, the dispatch queue and the urgent queue', () => {
      const reclassifyDlq = logicalId(synth.stateless.reclassifyDeadLetterQueue.node.defaultChild);
      expect(deadLetterQueues().filter((id) => notCampaigns([id, undefined]))).toEqual(
        [
          reclassifyDlq,
          ids.plannerDlq,
          ids.dispatchDlq,
          ids.urgentDlq,
          ids.inboundDlq,
          ids.remindersDlq,
        ].sort(),
      );
      expect(
        ofType('AWS::SQS::Queue')
          .filter(notCampaigns)
          .map(([id]) => id)
          .sort(),
      ).toEqual(
        [
          ...deadLetterQueues().filter((id) => notCampaigns([id, undefined])),
          ids.dispatchQueue,
          ids.urgentQueue,
        ].sort(),
      );
    });

    it('are all encrypted and refuse non-TLS access', () => {
      for (const [id, queue] of ofType('AWS::SQS::Queue')) {
        const props = queue.Properties;
        expect(props.SqsManagedSseEnabled === true || props.KmsMasterKeyId !== undefined, id).toBe(true);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('alarm on every dead-letter queue as soon as one message is visible, notifying the ops topic', () => {
      // the dead-letter alarms (the operations alarms of issue 15 are tested in operations.test.ts)
      const alarms = ofType('AWS::CloudWatch::Alarm')
        .map(([, a]) => a.Properties)
        .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
      const alarmed = alarms.map((a) => {
        expect(a).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Period: 300,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: ids.opsTopic }],
        });
        const [dimension] = a.Dimensions as { Name: string; Value: { 'Fn::GetAtt': [string, string] } }[];
        expect(dimension?.Name).toBe('QueueName');
        return dimension?.Value['Fn::GetAtt'][0];
      });
      expect(alarmed.sort()).toEqual(deadLetterQueues());
      expect(alarmed).toContain(ids.urgentDlq);
      expect(alarmed).toContain(ids.remindersDlq);
    });

    it('alarm when the oldest due check-in has waited more than an hour (the planner’s embedded metric)', () => {
      const alarms = ofType('AWS::CloudWatch::Alarm').filter(
        ([, a]) => a.Properties.Namespace === 'Anxin/Phone',
      );
      expect(alarms).toHaveLength(1);
      expect(alarms[0]?.[1].Properties).toMatchObject({
        MetricName: 'OldestDueMinutes',
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: ids.opsTopic }],
        OKActions: [{ Ref: ids.opsTopic }],
      });
    });

    it('notify an ops topic that is KMS-encrypted, TLS-only and open to CloudWatch alarms of this account only', () => {
      expect(res(ids.opsTopic).Properties.KmsMasterKeyId).toEqual(imported.keyArn);
      const policy = ofType('AWS::SNS::TopicPolicy').find(([, p]) =>
        JSON.stringify(p.Properties.Topics).includes(`"${ids.opsTopic}"`),
      )?.[1].Properties.PolicyDocument as { Statement: Json[] };
      expect(policy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: expect.objectContaining({
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            }),
          }),
        ]),
      );
    });
  });

  describe('SIP media application', () => {
    it('sends the calls to the voice function in this Region', () => {
      expect(res(ids.sma)).toMatchObject({
        Type: 'AWS::Chime::SipMediaApplication',
        Properties: {
          AwsRegion: { Ref: 'AWS::Region' },
          Name: 'anxin-check-in',
          Endpoints: [{ LambdaArn: getAtt(ids.voice) }],
        },
      });
    });

    it('may invoke the voice function (Chime voice connector, this account only), granted before it is created', () => {
      const permissions = ofType('AWS::Lambda::Permission').filter(
        ([, p]) => p.Properties.Principal === 'voiceconnector.chime.amazonaws.com',
      );
      expect(permissions).toHaveLength(1);
      const [permissionId, permission] = permissions[0] as [string, Resource];
      expect(permission.Properties).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(ids.voice),
        Principal: 'voiceconnector.chime.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expect(res(ids.sma).DependsOn).toContain(permissionId);
    });
  });

  describe('inbound SMS', () => {
    it('arrive on a KMS-encrypted, TLS-only topic that only End User Messaging of this account may publish to', () => {
      expect(res(ids.inboundTopic).Properties.KmsMasterKeyId).toEqual(imported.keyArn);
      const policy = ofType('AWS::SNS::TopicPolicy').find(([, p]) =>
        JSON.stringify(p.Properties.Topics).includes(`"${ids.inboundTopic}"`),
      )?.[1].Properties.PolicyDocument as { Statement: Json[] };
      expect(policy.Statement).toHaveLength(2);
      expect(policy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'sms-voice.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: ids.inboundTopic },
            Condition: expect.objectContaining({
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            }),
          }),
        ]),
      );
    });

    it('are delivered to the sms-inbound function, undeliverable ones to a dead-letter queue', () => {
      const subscriptions = ofType('AWS::SNS::Subscription');
      expect(subscriptions).toHaveLength(1);
      expect(subscriptions[0]?.[1].Properties).toEqual({
        TopicArn: { Ref: ids.inboundTopic },
        Protocol: 'lambda',
        Endpoint: getAtt(ids.smsInbound),
        RedrivePolicy: { deadLetterTargetArn: getAtt(ids.inboundDlq) },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(ids.smsInbound),
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: ids.inboundTopic },
      });
    });

    it('retry a failed invocation twice, then send it to the same dead-letter queue', () => {
      const configs = ofType('AWS::Lambda::EventInvokeConfig').filter(
        ([, c]) => (c.Properties.FunctionName as { Ref: string }).Ref === ids.smsInbound,
      );
      expect(configs).toHaveLength(1);
      expect(configs[0]?.[1].Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: getAtt(ids.inboundDlq) } },
      });
    });

    it('need no two-way number to synthesize (none requested by default)', () => {
      synth.statelessTemplate.resourceCountIs('AWS::SMSVOICE::PhoneNumber', 0);
      template.hasOutput('InboundSmsTopicArn', { Value: { Ref: ids.inboundTopic } });
    });
  });

  describe('least privilege', () => {
    const allStatements = (): [string, Statement][] =>
      ofType('AWS::IAM::Role').flatMap(([roleId]) =>
        statementsOfRole(roleId).map((s): [string, Statement] => [roleId, s]),
      );

    it('no role has a wildcard action (no "*", "dynamodb:*", "sqs:*", "sns:*", "chime:*")', () => {
      const actions = allStatements().flatMap(([roleId, s]) => asList(s.Action).map((a) => `${roleId} ${a}`));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });

    it('only the dispatcher may dial, and only through the SIP media application', () => {
      const chime = allStatements().filter(([, s]) => asList(s.Action).some((a) => a.startsWith('chime:')));
      expect(chime).toHaveLength(1);
      const [roleId, statement] = chime[0] as [string, Statement];
      expect(roleId).toBe(roleOfFunction(ids.dispatcher));
      expect(statement.Action).toBe('chime:CreateSipMediaApplicationCall');
      expect(statement.Resource).toEqual({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':chime:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':sma/',
            getAtt(ids.sma, 'SipMediaApplicationId'),
          ],
        ],
      });
    });

    it('use Resource "*" only for X-Ray, and for the dispatcher\'s SMS publishing (this Region)', () => {
      const unscoped = allStatements().filter(([, s]) => asList(s.Resource).includes('*'));
      const sms = unscoped.filter(([, s]) => asList(s.Action).includes('sns:Publish'));
      expect(sms.map(([roleId]) => roleId)).toEqual([roleOfFunction(ids.dispatcher)]);
      expect(sms[0]?.[1].Action).toBe('sns:Publish');
      expect(sms[0]?.[1].Condition).toEqual({
        StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } },
      });
      for (const [roleId, s] of unscoped.filter(([, st]) => st !== sms[0]?.[1])) {
        expect(asList(s.Action).sort(), roleId).toEqual([
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ]);
      }
    });

    it('let no other role publish to SNS at all', () => {
      const publishers = allStatements().filter(([, s]) =>
        asList(s.Action).some((a) => a.startsWith('sns:')),
      );
      expect(publishers.map(([roleId]) => roleId)).toEqual([roleOfFunction(ids.dispatcher)]);
    });

    it('give the phone-visit functions item-level access to the table and all three indexes', () => {
      for (const fnId of [ids.planner, ids.dispatcher, ids.voice, ids.smsInbound]) {
        const dynamodb = statementsOfRole(roleOfFunction(fnId)).filter((s) =>
          asList(s.Action).some((a) => a.startsWith('dynamodb:')),
        );
        expect(dynamodb, fnId).toHaveLength(1);
        expect(asList(dynamodb[0]?.Resource), fnId).toEqual([
          imported.tableArn,
          ...['gsi1', 'gsi2', 'gsi3'].map((index) => ({
            'Fn::Join': ['', [imported.tableArn, `/index/${index}`]],
          })),
        ]);
      }
    });

    it('let exactly the four phone-visit functions and the reminders queue jobs, on the dispatch and urgent queues only', () => {
      const queues = [getAtt(ids.dispatchQueue), getAtt(ids.urgentQueue)].map((arn) => JSON.stringify(arn));
      const senders = allStatements().filter(
        ([, s]) =>
          asList(s.Action).includes('sqs:SendMessage') &&
          asList(s.Resource).some((r) => queues.includes(JSON.stringify(r))),
      );
      expect(
        senders
          .map(([roleId, s]) => `${roleId} ${JSON.stringify(s.Action)} ${JSON.stringify(s.Resource)}`)
          .sort(),
      ).toEqual(
        [ids.planner, ids.dispatcher, ids.voice, ids.smsInbound, ids.reminders]
          .map((fnId) => `${roleOfFunction(fnId)} "sqs:SendMessage" [${queues.join(',')}]`)
          .sort(),
      );
      // and to no other queue than these two and the function's own dead-letter queue (failed invocations)
      const ownDeadLetterQueue: Record<string, string[]> = {
        [ids.planner]: [ids.plannerDlq],
        [ids.dispatcher]: [],
        [ids.voice]: [],
        [ids.smsInbound]: [ids.inboundDlq],
        [ids.reminders]: [ids.remindersDlq],
      };
      for (const [fnId, deadLetterQueues] of Object.entries(ownDeadLetterQueue)) {
        const sends = statementsOfRole(roleOfFunction(fnId)).filter((s) =>
          asList(s.Action).some((a) => a.startsWith('sqs:Send')),
        );
        expect(
          sends
            .flatMap((s) => asList(s.Resource))
            .map((r) => JSON.stringify(r))
            .sort(),
          fnId,
        ).toEqual([...queues, ...deadLetterQueues.map((q) => JSON.stringify(getAtt(q)))].sort());
      }
    });

    it('let no role send to a queue it does not name (no unscoped sqs:SendMessage)', () => {
      const sends = allStatements().filter(([, s]) => asList(s.Action).some((a) => a.startsWith('sqs:')));
      expect(sends.length).toBeGreaterThan(0);
      for (const [roleId, s] of sends) {
        for (const resource of asList(s.Resource)) {
          const target = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
          expect(target?.[1], `${roleId} ${JSON.stringify(resource)}`).toBe('Arn');
          expect(res(target?.[0] ?? '').Type, roleId).toBe('AWS::SQS::Queue');
        }
      }
    });

    it('let only the dispatcher consume the dispatch and urgent queues', () => {
      const consumers = allStatements()
        .filter(notCampaigns)
        .filter(([, s]) =>
          asList(s.Action).some((a) => a === 'sqs:ReceiveMessage' || a === 'sqs:DeleteMessage'),
        );
      expect(consumers.map(([roleId, s]) => [roleId, s.Resource])).toEqual(
        expect.arrayContaining([
          [roleOfFunction(ids.dispatcher), getAtt(ids.dispatchQueue)],
          [roleOfFunction(ids.dispatcher), getAtt(ids.urgentQueue)],
        ]),
      );
      expect(consumers).toHaveLength(2);
    });
  });
});

describe('home visits', () => {
  let ids: {
    reminders: string;
    reports: string;
    visitPage: string;
    remindersDlq: string;
    dispatchQueue: string;
    urgentQueue: string;
    api: string;
    distribution: string;
  };
  const getAtt = (id: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [id, attribute] });
  const allStatements = (): [string, Statement][] =>
    ofType('AWS::IAM::Role').flatMap(([roleId]) =>
      statementsOfRole(roleId).map((s): [string, Statement] => [roleId, s]),
    );
  beforeAll(() => {
    const { homeVisits, phoneVisits } = synth.stateless;
    const id = (construct: { node: { defaultChild?: unknown } }): string =>
      logicalId(construct.node.defaultChild);
    ids = {
      reminders: id(homeVisits.remindersFunction),
      reports: id(homeVisits.reportsFunction),
      visitPage: id(homeVisits.visitPageFunction),
      remindersDlq: id(homeVisits.remindersDeadLetterQueue),
      dispatchQueue: id(phoneVisits.dispatchQueue),
      urgentQueue: id(phoneVisits.urgentQueue),
      api: id(synth.stateless.api),
      distribution: id(synth.stateless.console.distribution),
    };
  });

  describe('reminder job', () => {
    it('runs nodejs22.x for up to 5 minutes with the phone environment, the secret and the public base URL', () => {
      expect(res(ids.reminders).Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Timeout: 300,
        MemorySize: 1024,
        DeadLetterConfig: { TargetArn: getAtt(ids.remindersDlq) },
      });
      expect(variables(ids.reminders)).toEqual({
        TABLE_NAME: imported.tableName,
        POWERTOOLS_SERVICE_NAME: 'anxin-reminders',
        NODE_OPTIONS: '--enable-source-maps',
        DISPATCH_QUEUE_URL: { Ref: ids.dispatchQueue },
        URGENT_QUEUE_URL: { Ref: ids.urgentQueue },
        PROVIDER_LIMITS: '{"callsPerSecond":1,"callsInProgress":10,"smsPartsPerSecond":10}',
        LINK_SIGNING_SECRET_ARN: imported.secretArn,
        // the console's CloudFront URL (ends with "/"), which sends /v/* and /l/* to the HTTP API
        PUBLIC_BASE_URL: {
          'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }, '/']],
        },
      });
    });

    it('fires at 08:30 every day in the Asia/Shanghai time zone', () => {
      const schedule = res(logicalId(synth.stateless.homeVisits.remindersSchedule)).Properties;
      expect(schedule).toMatchObject({
        ScheduleExpression: 'cron(30 8 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
    });

    it('invokes the reminders function, dead-letters to its queue, and gives up after 3 hours', () => {
      const schedule = res(logicalId(synth.stateless.homeVisits.remindersSchedule)).Properties;
      expect(schedule.Target).toMatchObject({
        Arn: getAtt(ids.reminders),
        DeadLetterConfig: { Arn: getAtt(ids.remindersDlq) },
        RetryPolicy: { MaximumEventAgeInSeconds: 3 * 60 * 60, MaximumRetryAttempts: 10 },
      });
      expectSchedulerRoleFor(schedule, getAtt(ids.reminders), getAtt(ids.remindersDlq));
    });

    it('has an alarm on its dead-letter queue', () => {
      const alarmed = ofType('AWS::CloudWatch::Alarm').map(
        ([, a]) =>
          (a.Properties.Dimensions as { Value: { 'Fn::GetAtt'?: [string, string] } }[] | undefined)?.[0]
            ?.Value['Fn::GetAtt']?.[0],
      );
      expect(alarmed).toContain(ids.remindersDlq);
    });

    it('may use the table and all three indexes, read and write', () => {
      const dynamodb = statementsOfRole(roleOfFunction(ids.reminders)).filter((s) =>
        asList(s.Action).some((a) => a.startsWith('dynamodb:')),
      );
      expect(dynamodb).toHaveLength(1);
      // it writes the short-link items (/l/{id}, with an expiry) that the texts point at
      expect(asList(dynamodb[0]?.Action)).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
      );
      expect(asList(dynamodb[0]?.Resource)).toEqual([
        imported.tableArn,
        ...['gsi1', 'gsi2', 'gsi3'].map((index) => ({
          'Fn::Join': ['', [imported.tableArn, `/index/${index}`]],
        })),
      ]);
    });
  });

  describe('reports function', () => {
    it('has 1536 MB and the 29 s of the HTTP API, and only the table name', () => {
      expect(res(ids.reports).Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        MemorySize: 1536,
        Timeout: 29,
      });
      expect(variables(ids.reports)).toEqual({
        TABLE_NAME: imported.tableName,
        POWERTOOLS_SERVICE_NAME: 'anxin-reports',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('may only read: GetItem and Query on the table and gsi1, the key only to decrypt through DynamoDB', () => {
      const statements = statementsOfRole(roleOfFunction(ids.reports));
      const byPrefix = (prefix: string) =>
        statements.filter((s) => asList(s.Action).some((a) => a.startsWith(prefix)));
      const dynamodb = byPrefix('dynamodb:');
      expect(dynamodb).toHaveLength(1);
      expect(asList(dynamodb[0]?.Action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      expect(asList(dynamodb[0]?.Resource)).toEqual([
        imported.tableArn,
        { 'Fn::Join': ['', [imported.tableArn, '/index/gsi1']] },
      ]);
      const kms = byPrefix('kms:');
      expect(kms).toHaveLength(1);
      expect(asList(kms[0]?.Action).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
      expect(kms[0]?.Resource).toEqual(imported.keyArn);
      expect(kms[0]?.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': {
            'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
          },
        },
      });
      expect(byPrefix('sqs:')).toEqual([]);
      expect(byPrefix('secretsmanager:')).toEqual([]);
    });
  });

  describe('visit page function', () => {
    it('has the table name and the link signing secret ARN, and a short timeout', () => {
      expect(res(ids.visitPage).Properties).toMatchObject({ Runtime: 'nodejs22.x', Timeout: 10 });
      expect(variables(ids.visitPage)).toEqual({
        TABLE_NAME: imported.tableName,
        POWERTOOLS_SERVICE_NAME: 'anxin-visit-page',
        NODE_OPTIONS: '--enable-source-maps',
        LINK_SIGNING_SECRET_ARN: imported.secretArn,
      });
    });

    it('may read and write the table items, and queue nothing', () => {
      const statements = statementsOfRole(roleOfFunction(ids.visitPage));
      const dynamodb = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
      expect(dynamodb).toHaveLength(1);
      expect(asList(dynamodb[0]?.Action)).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ]),
      );
      expect(statements.filter((s) => asList(s.Action).some((a) => a.startsWith('sqs:')))).toEqual([]);
    });

    it('is invoked by API Gateway only for /v/{token} and /l/{id} of this API', () => {
      const permissions = ofType('AWS::Lambda::Permission').filter(
        ([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(getAtt(ids.visitPage)),
      );
      expect(permissions.length).toBeGreaterThan(0);
      const sourcePaths = permissions.map(([id, p]) => {
        expect(p.Properties.Principal, id).toBe('apigateway.amazonaws.com');
        const parts = (p.Properties.SourceArn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
        expect(parts, id).toContainEqual({ Ref: ids.api });
        return parts.at(-1);
      });
      expect([...new Set(sourcePaths)].sort()).toEqual(['/*/*/l/{id}', '/*/*/v/{token}']);
    });
  });

  describe('link signing secret', () => {
    it('is readable only by the reminders and visit-page functions (GetSecretValue on that secret)', () => {
      const readers = allStatements().filter(
        ([, s]) =>
          asList(s.Action).some((a) => a.startsWith('secretsmanager:')) &&
          JSON.stringify(s.Resource) !== JSON.stringify(imported.capSecretArn),
      );
      expect(readers.map(([roleId]) => roleId).sort()).toEqual(
        [roleOfFunction(ids.reminders), roleOfFunction(ids.visitPage)].sort(),
      );
      for (const [roleId, statement] of readers) {
        expect(statement.Action, roleId).toBe('secretsmanager:GetSecretValue');
        expect(statement.Resource, roleId).toEqual(imported.secretArn);
      }
    });

    it('lets those two decrypt with the app key only through Secrets Manager and only for that secret', () => {
      const viaSecretsManager = allStatements().filter(
        ([, s]) =>
          JSON.stringify(s.Condition ?? {}).includes('secretsmanager.') &&
          !JSON.stringify(s.Condition ?? {}).includes(JSON.stringify(imported.capSecretArn)),
      );
      expect(viaSecretsManager.map(([roleId]) => roleId).sort()).toEqual(
        [roleOfFunction(ids.reminders), roleOfFunction(ids.visitPage)].sort(),
      );
      for (const [roleId, statement] of viaSecretsManager) {
        expect(statement, roleId).toMatchObject({
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: imported.keyArn,
          Condition: {
            StringEquals: {
              'kms:ViaService': {
                'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
              },
              'kms:EncryptionContext:SecretARN': imported.secretArn,
            },
          },
        });
      }
    });
  });
});

describe('CAP alert feed secret', () => {
  const allStatements = (): [string, Statement][] =>
    ofType('AWS::IAM::Role').flatMap(([roleId]) =>
      statementsOfRole(roleId).map((s): [string, Statement] => [roleId, s]),
    );
  it('is read only by the admin API function, through CAP_SECRET_ARN, never as a value', () => {
    const api = logicalId(synth.stateless.apiFunction.node.defaultChild);
    const readers = allStatements().filter(
      ([, s]) => JSON.stringify(s.Resource) === JSON.stringify(imported.capSecretArn),
    );
    expect(readers.map(([roleId]) => roleId)).toEqual([roleOfFunction(api)]);
    expect(readers[0]?.[1].Action).toBe('secretsmanager:GetSecretValue');
    const env = variables(api) as Record<string, unknown>;
    expect(env.CAP_SECRET_ARN).toEqual(imported.capSecretArn);
    expect(env.CAP_SECRET).toBeUndefined();
  });

  it('lets the API decrypt with the app key only through Secrets Manager and only for that secret', () => {
    const decrypts = allStatements().filter(([, s]) =>
      JSON.stringify(s.Condition ?? {}).includes(JSON.stringify(imported.capSecretArn)),
    );
    expect(decrypts).toHaveLength(1);
    expect(decrypts[0]?.[1]).toMatchObject({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: imported.keyArn,
    });
  });
});
