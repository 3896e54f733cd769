import { spawnSync } from 'node:child_process';
import {
  AssetHashType,
  type CfnElement,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct, type IConstruct } from 'constructs';
import { repoRoot, source } from './service-function.js';

/** The paths CloudFront sends to the HTTP API instead of the console bucket (the console calls /api). */
export const API_PATH_PATTERNS = ['/api/*', '/v/*', '/l/*'] as const;

/** Long-lived cache for the content-hashed bundles; index.html and config.json are revalidated every time. */
const IMMUTABLE = [
  CacheControl.setPublic(),
  CacheControl.maxAge(Duration.days(365)),
  CacheControl.immutable(),
];
const REVALIDATE = [CacheControl.noCache()];

/**
 * SPA fallback, on the console (S3) behaviour only: a browser navigating to a console route (`/campaigns/42`:
 * no file extension, Accept names text/html) gets index.html. Anything else (a missing asset, a script's
 * fetch) reaches S3 as asked and gets its error. Not a CloudFront custom error response: those apply to
 * every behaviour, and would turn the API's 403 and 404 into the console page.
 * CloudFront Functions runtime 2.0 (a small ES subset): `var`, no arrow functions.
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  var accept = request.headers.accept ? request.headers.accept.value : '';
  if (last.indexOf('.') === -1 && accept.indexOf('text/html') !== -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

/** A custom domain for the console (and the visit links): its name and an ACM certificate in us-east-1. */
export interface ConsoleDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface ConsoleProps {
  /** the HTTP API that /api/*, /v/* and /l/* go to */
  readonly api: IHttpApi;
  /** the Cognito region and app client the console signs in with (written to /config.json) */
  readonly clientId: string;
  /** a custom domain; without one the distribution's *.cloudfront.net name is used */
  readonly domain?: ConsoleDomain;
  /** ARN of a CLOUDFRONT-scope WAF web ACL (created in us-east-1) to attach */
  readonly webAclArn?: string;
}

/**
 * The web console (issue 5, section 4): its files in a private S3 bucket, served by a CloudFront
 * distribution through Origin Access Control, with the HTTP API as a second origin for /api/*, /v/* and /l/*
 * so the console and the API are one origin (no CORS at all). Strict security headers on every response.
 *
 * The console is built at synth time by console/build.ts (esbuild, local bundling: never Docker) and
 * deployed with BucketDeployment: the hashed bundles first (kept: a page loaded before a deploy still
 * finds its script), then index.html and the Cognito config.json, then a CloudFront invalidation.
 */
export class WebConsole extends Construct {
  public readonly bucket: Bucket;
  public readonly logBucket: Bucket;
  public readonly distribution: Distribution;
  /** `https://<domain>/`, ending with "/" */
  public readonly url: string;
  public readonly consoleHeaders: ResponseHeadersPolicy;
  public readonly apiHeaders: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const cognitoEndpoint = `https://cognito-idp.${stack.region}.${stack.urlSuffix}`;
    // S3 delivers the server access logs under a bucket-policy grant to logging.s3.amazonaws.com (for this
    // bucket and account only), AWS's current recommendation, rather than the legacy log-delivery ACL.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    // (1) the log bucket: S3 server access logs of the console bucket and CloudFront's standard logs (which
    // CloudFront delivers with an ACL, hence ACLs enabled and S3-managed encryption). Kept a year. Not logged
    // itself (cdk-nag accepts a bucket that is a log target).
    this.logBucket = new Bucket(this, 'LogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // (2) the console bucket: private, TLS only, versioned (old versions of index.html expire after 30 days)
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      // built from source at every deploy; retained only because CloudFormation cannot delete a bucket
      // with objects without a further custom-resource Lambda
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // (3) the security headers. The console: only its own scripts and styles, the API on the same origin and
    // Cognito's user-pool endpoint (sign-in), never framed, no referrer (tokens never travel in URLs anyway).
    this.consoleHeaders = new ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'Anxin console: CSP (self + Cognito), HSTS, no framing, nosniff, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            `connect-src 'self' ${cognitoEndpoint}`,
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            'upgrade-insecure-requests',
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        // the legacy XSS auditor is off ("0"): CSP does that job, and the auditor itself leaked data
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=()',
            override: true,
          },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
    // The API's responses: HSTS and nosniff always; the rest only where the function set nothing (the visit
    // page sends its own CSP, which allows its inline style; JSON responses get "nothing at all").
    this.apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment:
        'Anxin API through CloudFront: HSTS, nosniff; CSP, framing and referrer unless the API set them',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          override: false,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: false },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: false },
      },
    });

    // (4) the distribution
    const spaFallback = new EdgeFunction(this, 'SpaFallback', {
      comment: 'Anxin console: HTML navigation to a console route gets index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(SPA_FALLBACK_CODE),
    });
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // every viewer header (Authorization included) except Host: API Gateway routes on its own host name
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
      compress: true,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Anxin console (S3) and API (/api, /v, /l): one origin',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.consoleHeaders,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America, Europe, Asia (Hong Kong included), Middle East and Africa: where the staff are
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            // TLS 1.2 or later, with current ciphers (applies with an own certificate only)
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    this.url = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}/`;
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction on purpose: Jiangmen is a major home town of overseas Chinese (qiaoxiang), and family contacts abroad open the signed visit links, as staff travelling do the console. Access is decided by the Cognito sign-in (MFA) and the signed links, not by location.',
    });
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront web ACL must be created in us-east-1, outside this stack: pass its ARN with -c consoleWebAclArn=… to attach it. Meanwhile the API behind it is throttled per stage (50 rps, burst 100), every /api route needs a Cognito JWT, and the console is static files.',
      });
    }
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1. With -c consoleDomainName=… -c consoleCertificateArn=… (a domain and its us-east-1 ACM certificate) the distribution gets TLSv1.2_2021 and this finding goes away. Browsers in use negotiate TLS 1.2 or 1.3 anyway.',
      });
    }

    // (5) the files: built at synth time, then deployed in two steps
    const build = Source.asset(source('console'), {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // never used: local bundling always succeeds or throws (no Docker on the build machines)
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
        local: { tryBundle: (outputDir) => buildConsoleInto(outputDir) },
      },
    });
    const assets = new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      sources: [build],
      include: ['assets/*'],
      exclude: ['*'],
      cacheControl: IMMUTABLE,
      // old bundles stay: a page loaded before this deploy still loads its script
      prune: false,
    });
    const config: ISource = Source.jsonData('config.json', {
      auth: 'cognito',
      region: stack.region,
      clientId: props.clientId,
      apiBase: '',
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      destinationBucket: this.bucket,
      sources: [build, config],
      exclude: ['assets/*'],
      cacheControl: REVALIDATE,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    // index.html names the new bundles: they must be there before it is
    pages.node.addDependency(assets);
    acknowledgeDeploymentHandler(assets, this.bucket);
  }
}

/** Builds the console into `outputDir` with console/build.ts (async esbuild, so in a child process). */
function buildConsoleInto(outputDir: string): boolean {
  const tsx = source('node_modules/tsx/dist/cli.mjs');
  const result = spawnSync(process.execPath, [tsx, source('console/build.ts'), outputDir], {
    cwd: repoRoot,
    encoding: 'utf-8',
  });
  if (result.status !== 0) {
    throw new Error(`console build failed (${result.status}): ${result.stderr || result.error?.message}`);
  }
  return true;
}

/**
 * BucketDeployment's handler is one Lambda per stack (a singleton shared by both deployments), written by
 * the CDK: acknowledge what cdk-nag finds on it, on the function (its role and policy are children).
 */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, bucket: Bucket): void {
  const handler = deployment.handlerRole.node.scope as IConstruct;
  const stack = Stack.of(handler);
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnElement);
  const copying =
    'The BucketDeployment handler copies the console files from the CDK assets bucket into the console bucket and removes files no longer in the build; the CDK grants it the read and write action groups (grantRead/grantReadWrite)';
  const reasons: Record<string, string> = {
    'AwsSolutions-IAM5[Action::s3:GetObject*]': `${copying}, scoped to those two buckets only.`,
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${copying}, scoped to those two buckets only.`,
    'AwsSolutions-IAM5[Action::s3:List*]': `${copying}, scoped to those two buckets only.`,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${copying}; deletion is on the console bucket only (pruning files that left the build).`,
    'AwsSolutions-IAM5[Action::s3:Abort*]': `${copying}; aborting its own multipart uploads, on the console bucket only.`,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]': `${copying}: the objects of the CDK bootstrap assets bucket of this account and Region, where the built console is staged.`,
    [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`]: `${copying}: every object of the console bucket, which holds nothing but the console build.`,
    'AwsSolutions-IAM5[Resource::*]':
      'The BucketDeployment handler invalidates the distribution after a deploy: the CDK grants cloudfront:CreateInvalidation and cloudfront:GetInvalidation on "*" (it writes the statement, not this project); it runs only during a deploy.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      'The BucketDeployment handler is written by the CDK and given AWSLambdaBasicExecutionRole (CloudWatch Logs for its own log group) by the CDK; it runs only during a deploy.',
    'AwsSolutions-L1':
      'The BucketDeployment handler (Python, with the AWS CLI layer) is written and versioned by the CDK; its runtime moves with aws-cdk-lib upgrades, not with this project.',
  };
  for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
}
