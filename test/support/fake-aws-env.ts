/**
 * Environment for handler tests with the AWS SDK mocked at its boundary: a
 * workgroup name, a region and dummy credentials, so no client ever looks for
 * real ones. Import it before the handler module.
 */
process.env.FWLAKE_WORKGROUP = 'fwlake';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
