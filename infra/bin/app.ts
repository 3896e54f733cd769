import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';

// Env-agnostic stacks unless a target is given as context: `cdk deploy -c account=123456789012 -c
// region=cn-north-1`. No lookups are made, so `cdk synth` works offline and without credentials.
// Phone-visit settings are context values too, read by buildApp: chimeFromNumber (E.164; a placeholder
// when omitted), providerLimits (JSON), twoWayPhoneNumber (JSON: request a new SMS number) or
// smsTwoWayNumberArn (an existing one), opsEmail (subscribed to the alarm topic). Console settings, all
// optional: consoleDomainName with consoleCertificateArn (an ACM certificate in us-east-1), consoleWebAclArn
// (a CLOUDFRONT-scope WAF web ACL, also in us-east-1).
const app = new App();
const contextString = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const account = contextString('account');
const region = contextString('region');
if ((account === undefined) !== (region === undefined)) {
  throw new Error('Give both -c account=… and -c region=…, or neither (env-agnostic stacks).');
}

buildApp(account && region ? { app, env: { account, region } } : { app });
app.synth();
