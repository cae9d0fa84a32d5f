#!/usr/bin/env bash
# fwlake-credentials.sh: an AWS `credential_process` helper. It assumes the fwlake shipping
# role with the session tag fwlake-host=<host> and prints the temporary credentials in the
# credential_process format, so that Fluent Bit, Vector and the AWS CLI (none of which can
# add session tags on their own) get credentials that may write raw/<host>/ and nothing else.
#
# Written for: the AWS CLI v1 (>= 1.18) or v2, bash >= 4; the consumers' support for
# credential_process: AWS CLI, Fluent Bit (Linux, shared config file), Vector (AWS SDK for
# Rust default chain).
#
# Usage: fwlake-credentials.sh ROLE_ARN HOST [BASE_PROFILE]
#   ROLE_ARN      the stack's shipping role
#   HOST          this host's name as it appears in its keys (raw/<HOST>/...)
#   BASE_PROFILE  the profile holding this host's own long-term credentials (default: the
#                 default chain); never the profile that runs this helper, or it calls itself
#
# Install:
#   install -m 0755 fwlake-credentials.sh /usr/local/bin/fwlake-credentials.sh
#   and a profile in an AWS config file the shipper reads, e.g. /etc/fwlake/aws-config:
#     [profile fwlake-base]
#     # this host's IAM user keys are in the credentials file under [fwlake-base]
#     [profile fwlake]
#     credential_process = /usr/local/bin/fwlake-credentials.sh arn:aws:iam::123456789012:role/<ShippingRole> fw1.example.net fwlake-base
#   then AWS_CONFIG_FILE=/etc/fwlake/aws-config, AWS_SHARED_CREDENTIALS_FILE=... and
#   AWS_PROFILE=fwlake in the shipper's environment (see README.md).
#
# The base credentials need sts:AssumeRole and sts:TagSession on the role. Limit them to
# their own host name, e.g. with the condition
#   "StringEquals": {"aws:RequestTag/fwlake-host": "fw1.example.net"}
# otherwise a host could tag itself with another's name.

set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: fwlake-credentials.sh ROLE_ARN HOST [BASE_PROFILE]" >&2
  exit 2
fi
role_arn=$1
host=$2
profile=()
if [[ $# -eq 3 ]]; then
  profile=(--profile "$3")
fi

if [[ ! $host =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "fwlake-credentials: host '$host' is not [A-Za-z0-9._-]+" >&2
  exit 2
fi

# Role session names are at most 64 characters of [\w+=,.@-].
# --query turns the AssumeRole response into the credential_process document (Version 1).
aws sts assume-role ${profile[@]+"${profile[@]}"} \
  --role-arn "$role_arn" \
  --role-session-name "fwlake-${host:0:57}" \
  --tags "Key=fwlake-host,Value=${host}" \
  --duration-seconds 3600 \
  --query '{Version: `1`, AccessKeyId: Credentials.AccessKeyId, SecretAccessKey: Credentials.SecretAccessKey, SessionToken: Credentials.SessionToken, Expiration: Credentials.Expiration}' \
  --output json
