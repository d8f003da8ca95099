// Deliberately non-compliant: an unencrypted, unversioned, half-public bucket with a bad name; a
// table without PITR deleted with the prod stack; a deprecated runtime; a hardcoded ARN; a role
// that another account assumes without an external id; no CostCenter tag (see bin/orders-app.ts).
import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Stage } from '../config';

export interface ReportsStackProps extends StackProps {
  readonly stage: Stage;
}

export class ReportsStack extends Stack {
  constructor(scope: Construct, id: string, props: ReportsStackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'ReportsBucket', {
      bucketName: `reports-${props.stage}-bucket`,
      blockPublicAccess: new s3.BlockPublicAccess({
        blockPublicAcls: true,
        blockPublicPolicy: false,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      }),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const runs = new dynamodb.Table(this, 'ReportRuns', {
      partitionKey: { name: 'runId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const nightly = new lambda.Function(this, 'NightlyReport', {
      runtime: lambda.Runtime.NODEJS_18_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset('src/lambda/nightly-report'),
      environment: {
        REPORTS_BUCKET: bucket.bucketName,
        RUNS_TABLE: runs.tableName,
        NOTIFY_TOPIC_ARN: 'arn:aws:sns:eu-west-2:333333333333:reports-ready',
      },
    });
    bucket.grantReadWrite(nightly);
    runs.grantReadWriteData(nightly);

    // A partner account reads the reports, but the role trusts it without an external id.
    const partner = new iam.Role(this, 'PartnerReadRole', {
      assumedBy: new iam.AccountPrincipal('444444444444'),
      description: 'Lets the partner account read the reports',
    });
    bucket.grantRead(partner);
  }
}
