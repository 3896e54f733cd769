import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/lib/app.js';
import { API_PATH_PATTERNS, SPA_FALLBACK_CODE } from '../../infra/lib/console.js';
import { collectAcknowledgements, type SynthesizedApp, synthesizeApp } from './synth.js';

/*
 * The web console on AWS (issue 5, section 4): a private S3 bucket behind CloudFront (Origin Access
 * Control), the HTTP API as the second origin of /api/*, /v/* and /l/*, strict security headers, the SPA
 * fallback, and the files deployed from the console build with the Cognito config.json.
 */

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
  DeletionPolicy?: string;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Json;
}
interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  AllowedMethods: string[];
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: unknown;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}
interface DistributionConfig {
  DefaultRootObject: string;
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    S3OriginConfig?: { OriginAccessIdentity: string };
    CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
  }[];
  CustomErrorResponses?: unknown;
  Logging?: { Bucket: unknown; Prefix: string };
  HttpVersion: string;
}

/** CloudFront's managed policies (fixed ids, the same in every account) */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let synth: SynthesizedApp;
let resources: Record<string, Resource>;
let ids: { bucket: string; logBucket: string; distribution: string; api: string; client: string };
let config: DistributionConfig;

beforeAll(() => {
  synth = synthesizeApp();
  resources = synth.statelessTemplate.toJSON().Resources as Record<string, Resource>;
  const id = (construct: { node: { defaultChild?: unknown } }): string =>
    synth.stateless.getLogicalId(construct.node.defaultChild as CfnElement);
  const { console: web } = synth.stateless;
  ids = {
    bucket: id(web.bucket),
    logBucket: id(web.logBucket),
    distribution: id(web.distribution),
    api: id(synth.stateless.api),
    client: id(synth.stateless.access.client),
  };
  config = res(ids.distribution).Properties.DistributionConfig as DistributionConfig;
});
afterAll(() => synth?.cleanup());

const res = (id: string): Resource => {
  const found = resources[id];
  if (!found) throw new Error(`no resource ${id} in the stateless stack`);
  return found;
};
const ofType = (type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
/** the logical id in `{ 'Fn::GetAtt': [id, attribute] }` */
const getAttId = (value: unknown): string => {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (!getAtt) throw new Error(`not a Fn::GetAtt: ${JSON.stringify(value)}`);
  return getAtt[0];
};
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const policyOf = (bucketId: string): Statement[] => {
  const policies = ofType('AWS::S3::BucketPolicy').filter(
    ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
  );
  expect(policies).toHaveLength(1);
  return ((policies[0] as [string, Resource])[1].Properties.PolicyDocument as { Statement: Statement[] })
    .Statement;
};
const headersPolicy = (ref: unknown): Json => {
  const policyId = (ref as { Ref: string }).Ref;
  return (res(policyId).Properties.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig as Json;
};

describe('console bucket', () => {
  it('blocks every kind of public access, on both buckets', () => {
    for (const id of [ids.bucket, ids.logBucket]) {
      expect(res(id).Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('is encrypted, versioned, and logs its access to the log bucket', () => {
    const bucket = res(ids.bucket).Properties;
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: ids.logBucket },
      LogFilePrefix: 'console-bucket/',
    });
    // object ACLs off: nothing in it can be made public by an ACL
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('refuses any request without TLS, on both buckets', () => {
    for (const id of [ids.bucket, ids.logBucket]) {
      expect(policyOf(id), id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('lets only this CloudFront distribution read objects (Origin Access Control), nobody else anything', () => {
    const allows = policyOf(ids.bucket).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: ids.distribution },
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('lets only S3 log delivery for the console bucket of this account write to the log bucket', () => {
    const allows = policyOf(ids.logBucket).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.logBucket, 'Arn'] }, '/console-bucket/*']] },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.bucket, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
    // no legacy log-delivery ACL on the bucket
    expect(res(ids.logBucket).Properties.AccessControl).toBeUndefined();
  });

  it('keeps the access and CloudFront logs a year, old versions of the console files 30 days', () => {
    expect(res(ids.logBucket).Properties.LifecycleConfiguration).toEqual({
      Rules: [{ ExpirationInDays: 365, Status: 'Enabled' }],
    });
    expect(res(ids.bucket).Properties.LifecycleConfiguration).toEqual({
      Rules: [{ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }],
    });
  });
});

describe('distribution', () => {
  const s3Origin = () => config.Origins.find((o) => o.S3OriginConfig);
  const apiOrigin = () => config.Origins.find((o) => o.CustomOriginConfig);

  it('serves index.html at the root, from the bucket through Origin Access Control (no OAI)', () => {
    expect(config.DefaultRootObject).toBe('index.html');
    const origin = s3Origin();
    expect(origin?.DomainName).toEqual({ 'Fn::GetAtt': [ids.bucket, 'RegionalDomainName'] });
    expect(origin?.S3OriginConfig?.OriginAccessIdentity).toBe('');
    const oacId = getAttId(origin?.OriginAccessControlId);
    expect(res(oacId).Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(origin?.Id);
  });

  it('redirects HTTP to HTTPS for the console and refuses plain HTTP for the API', () => {
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    for (const behavior of config.CacheBehaviors) {
      expect(behavior.ViewerProtocolPolicy, behavior.PathPattern).toBe('https-only');
    }
  });

  it('sends /api/*, /v/* and /l/* to the HTTP API: no caching, every viewer header but Host, every method', () => {
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual([...API_PATH_PATTERNS].sort());
    expect(API_PATH_PATTERNS).toEqual(['/api/*', '/v/*', '/l/*']);
    const origin = apiOrigin();
    for (const behavior of config.CacheBehaviors) {
      expect(behavior, behavior.PathPattern).toMatchObject({
        TargetOriginId: origin?.Id,
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      });
      expect([...behavior.AllowedMethods].sort(), behavior.PathPattern).toEqual(
        ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
      );
      expect(behavior.FunctionAssociations, behavior.PathPattern).toBeUndefined();
    }
  });

  it('reaches the API on its execute-api host name over HTTPS with TLS 1.2 only', () => {
    expect(apiOrigin()).toMatchObject({
      DomainName: {
        'Fn::Join': [
          '',
          [{ Ref: ids.api }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }],
        ],
      },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
  });

  it('caches the console files and serves only GET and HEAD from the bucket', () => {
    expect(config.DefaultCacheBehavior.CachePolicyId).toBe(CACHING_OPTIMIZED);
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
  });

  it('has no custom error responses (they would turn API errors into the console page)', () => {
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('logs every request to the log bucket', () => {
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [ids.logBucket, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });

  it('outputs the console URL', () => {
    synth.statelessTemplate.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }, '/']] },
    });
  });
});

describe('SPA fallback', () => {
  /** Runs the CloudFront Function's code as CloudFront would, on a viewer request. */
  const run = (uri: string, accept?: string): string => {
    const handler = new Function(`${SPA_FALLBACK_CODE}; return handler;`)() as (event: unknown) => {
      uri: string;
    };
    const headers = accept ? { accept: { value: accept } } : {};
    return handler({ request: { uri, headers } }).uri;
  };
  const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('gives a browser navigating to a console route the console page', () => {
    expect(run('/campaigns/cmp-1', html)).toBe('/index.html');
    expect(run('/register', html)).toBe('/index.html');
  });

  it('leaves files, and requests that are not page navigations, as they are', () => {
    expect(run('/assets/app-3FJ2.js', '*/*')).toBe('/assets/app-3FJ2.js');
    expect(run('/config.json', 'application/json')).toBe('/config.json');
    expect(run('/campaigns/cmp-1', 'application/json')).toBe('/campaigns/cmp-1');
    expect(run('/campaigns/cmp-1')).toBe('/campaigns/cmp-1');
  });

  it('is a viewer-request function of the console behaviour only, with the code above', () => {
    const associations = config.DefaultCacheBehavior.FunctionAssociations ?? [];
    expect(associations).toHaveLength(1);
    expect(associations[0]?.EventType).toBe('viewer-request');
    const fnId = getAttId(associations[0]?.FunctionARN);
    expect(res(fnId).Properties).toMatchObject({
      FunctionCode: SPA_FALLBACK_CODE,
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });
});

describe('security headers', () => {
  it('give the console a strict CSP: itself, and the Cognito endpoint of this Region to sign in', () => {
    const csp = headersPolicy(config.DefaultCacheBehavior.ResponseHeadersPolicyId).ContentSecurityPolicy as {
      ContentSecurityPolicy: { 'Fn::Join': [string, unknown[]] };
      Override: boolean;
    };
    expect(csp.Override).toBe(true);
    const parts = csp.ContentSecurityPolicy['Fn::Join'][1];
    const text = parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join('');
    const directives = Object.fromEntries(
      text.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self' https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>",
      'object-src': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(text).not.toContain('unsafe');
    expect(text).not.toMatch(/\s\*(\s|;|$)/);
  });

  it('give the console HSTS for two years, nosniff, no framing and no referrer, overriding the origin', () => {
    const headers = headersPolicy(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });

  it("give the API's responses HSTS and nosniff always, and keep the visit page's own CSP", () => {
    for (const behavior of config.CacheBehaviors) {
      const headers = headersPolicy(behavior.ResponseHeadersPolicyId);
      expect(headers, behavior.PathPattern).toMatchObject({
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, Override: true },
        ContentTypeOptions: { Override: true },
        // the visit page sends a CSP allowing its inline style: CloudFront's applies only when there is none
        ContentSecurityPolicy: {
          ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          Override: false,
        },
        FrameOptions: { FrameOption: 'DENY' },
      });
    }
  });
});

describe('deployment of the console files', () => {
  const deployments = () => ofType('Custom::CDKBucketDeployment');
  const pages = () => deployments().find(([, d]) => d.Properties.DistributionId !== undefined);
  const assets = () => deployments().find(([, d]) => d.Properties.DistributionId === undefined);
  const stagedDir = (s3Key: string) => path.join(synth.outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);

  it('copies the hashed bundles first (cached for a year, old ones kept), then the pages', () => {
    expect(deployments()).toHaveLength(2);
    const [assetsId, first] = assets() as [string, Resource];
    expect(first.Properties).toMatchObject({
      DestinationBucketName: { Ref: ids.bucket },
      Include: ['assets/*'],
      Exclude: ['*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    const [, second] = pages() as [string, Resource];
    expect(second.DependsOn).toContain(assetsId);
  });

  it('copies index.html and config.json revalidated on every load, then invalidates the distribution', () => {
    const [, second] = pages() as [string, Resource];
    expect(second.Properties).toMatchObject({
      DestinationBucketName: { Ref: ids.bucket },
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: ids.distribution },
      DistributionPaths: ['/*'],
    });
  });

  it('deploys the console build: index.html naming its hashed script and stylesheet', () => {
    const [, second] = pages() as [string, Resource];
    const keys = second.Properties.SourceObjectKeys as string[];
    const build = keys.map(stagedDir).find((dir) => existsSync(path.join(dir, 'index.html')));
    expect(build).toBeDefined();
    const html = readFileSync(path.join(build as string, 'index.html'), 'utf-8');
    const files = readdirSync(path.join(build as string, 'assets'));
    const script = files.find((f) => f.endsWith('.js'));
    const style = files.find((f) => f.endsWith('.css'));
    expect(script).toMatch(/^app-[A-Z0-9]+\.js$/);
    expect(style).toBeDefined();
    expect(html).toContain(`/assets/${script}`);
    expect(html).toContain(`/assets/${style}`);
    expect(html).not.toContain('%SCRIPT%');
  });

  it('writes config.json for Cognito: this Region, the console client, the API on the same origin', () => {
    const [, second] = pages() as [string, Resource];
    const keys = second.Properties.SourceObjectKeys as string[];
    const markers = second.Properties.SourceMarkers as Record<string, unknown>[];
    const index = keys.findIndex((key) => existsSync(path.join(stagedDir(key), 'config.json')));
    expect(index).toBeGreaterThanOrEqual(0);
    let text = readFileSync(path.join(stagedDir(keys[index] as string), 'config.json'), 'utf-8');
    for (const [marker, value] of Object.entries(markers[index] ?? {})) {
      text = text.replace(marker, `<${(value as { Ref: string }).Ref}>`);
    }
    expect(JSON.parse(text)).toEqual({
      auth: 'cognito',
      region: '<AWS::Region>',
      clientId: `<${ids.client}>`,
      apiBase: '',
    });
  });

  it('lets the deployment handler write only to the console bucket and read only the CDK assets bucket', () => {
    const handlerPolicies = ofType('AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(handlerPolicies).toHaveLength(1);
    const statements = (
      (handlerPolicies[0] as [string, Resource])[1].Properties.PolicyDocument as { Statement: Statement[] }
    ).Statement;
    const writes = statements.filter((s) =>
      asList(s.Action).some((a) => a.startsWith('s3:Put') || a.startsWith('s3:Delete')),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Resource).toEqual([
      { 'Fn::GetAtt': [ids.bucket, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/*']] },
    ]);
    const unscoped = statements.filter((s) => asList(s.Resource).includes('*'));
    expect(unscoped.flatMap((s) => asList(s.Action)).sort()).toEqual([
      'cloudfront:CreateInvalidation',
      'cloudfront:GetInvalidation',
    ]);
  });
});

describe('custom domain and web ACL (context values)', () => {
  // Built without asset bundling (cheap); the bundled app is the one above.
  const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });
  const distributionOf = (context: Record<string, unknown>) => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'anxin-cdk-console-'));
    outdirs.push(outdir);
    const app = new App({ outdir, context: { ...NO_BUNDLING, ...context } });
    const built = buildApp({ app });
    const template = Template.fromStack(built.stateless).toJSON().Resources as Record<string, Resource>;
    const id = built.stateless.getLogicalId(
      built.stateless.console.distribution.node.defaultChild as CfnElement,
    );
    const acknowledged = collectAcknowledgements(built.stateless.console.distribution).map((a) => a.id);
    return {
      config: (template[id] as Resource).Properties.DistributionConfig as DistributionConfig & Json,
      acknowledged,
      url: built.stateless.console.url,
    };
  };
  const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0e5f7c1a-1111-2222-3333-444455556666';
  const WEB_ACL =
    'arn:aws:wafv2:us-east-1:123456789012:global/webacl/anxin/0e5f7c1a-aaaa-bbbb-cccc-ddddeeeeffff';

  it('serves a given domain with its certificate and TLS 1.2 or later, and no longer acknowledges CFR4', () => {
    const {
      config: withDomain,
      acknowledged,
      url,
    } = distributionOf({
      consoleDomainName: 'anxin.example.cn',
      consoleCertificateArn: CERTIFICATE,
    });
    expect(withDomain.Aliases).toEqual(['anxin.example.cn']);
    expect(withDomain.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(url).toBe('https://anxin.example.cn/');
    expect(acknowledged).not.toContain('AwsSolutions-CFR4');
    expect(acknowledged).toContain('AwsSolutions-CFR2');
  });

  it('attaches a given web ACL, and no longer acknowledges CFR2', () => {
    const { config: withAcl, acknowledged } = distributionOf({ consoleWebAclArn: WEB_ACL });
    expect(withAcl.WebACLId).toBe(WEB_ACL);
    expect(acknowledged).not.toContain('AwsSolutions-CFR2');
    expect(acknowledged).toContain('AwsSolutions-CFR4');
  });

  it('refuses a domain without its certificate', () => {
    expect(() => distributionOf({ consoleDomainName: 'anxin.example.cn' })).toThrow(/consoleCertificateArn/);
  });
});
