/**
 * What a shipping host may do: put objects under raw/<its own host>/ and
 * nothing else. The host name comes from the principal tag `fwlake-host` of
 * the session (a role assumed with that session tag, an IAM user tagged so,
 * or IAM Roles Anywhere mapping a certificate), so one firewall cannot write
 * another's logs.
 */
import { AccountPrincipal, Effect, ManagedPolicy, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RAW_PREFIX } from '../functions/core/object-key.ts';
import { acknowledge } from './function.ts';

export const HOST_TAG = 'fwlake-host';

export class ShippingAccess extends Construct {
  readonly policy: ManagedPolicy;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: { raw: IBucket; accountId: string }) {
    super(scope, id);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'fwlake shipping: PutObject only under raw/<the fwlake-host principal tag>/',
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:PutObject'],
          resources: [props.raw.arnForObjects(`${RAW_PREFIX}\${aws:PrincipalTag/${HOST_TAG}}/*`)],
        }),
      ],
    });
    // A role hosts assume with a session tag naming themselves (sts:TagSession is required for that).
    this.role = new Role(this, 'Role', {
      description:
        'Assumed by a firewall host with session tag fwlake-host=<its name> to ship its kernel log',
      assumedBy: new AccountPrincipal(props.accountId)
        .withSessionTags()
        .withConditions({ StringLike: { [`aws:RequestTag/${HOST_TAG}`]: '?*' } }),
      managedPolicies: [this.policy],
    });
    acknowledge(this.policy, {
      'AwsSolutions-IAM5[Resource::<RawBucket672A0DBB.Arn>/raw/<aws:PrincipalTag/fwlake-host>/*]':
        "The wildcard is the host's own prefix: the principal tag pins it to raw/<that host>/.",
    });
  }
}
