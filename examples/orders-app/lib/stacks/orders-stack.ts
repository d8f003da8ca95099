// ProcessOrder follows every rule: encrypted, versioned, private bucket; PITR table; data retained
// in prod; a current Node runtime; stage-prefixed kebab-case names. ArchiveOrder's permissions
// are deliberately wrong (below).
import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Stage, isProduction } from '../config';

export interface OrdersStackProps extends StackProps {
  readonly stage: Stage;
}

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    const removalPolicy = isProduction(props.stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const table = new dynamodb.Table(this, 'OrdersTable', {
      tableName: `${props.stage}-orders`,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });

    const receipts = new s3.Bucket(this, 'ReceiptsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy,
    });

    const processOrder = new NodejsFunction(this, 'ProcessOrder', {
      functionName: `${props.stage}-process-order`,
      entry: 'src/lambda/process-order/index.ts',
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(10),
      memorySize: 512,
      bundling: { minify: true, externalModules: ['@aws-sdk/*'] },
      environment: {
        TABLE_NAME: table.tableName,
        RECEIPTS_BUCKET: receipts.bucketName,
        POWERTOOLS_SERVICE_NAME: 'orders',
      },
    });
    table.grantReadWriteData(processOrder);
    receipts.grantPut(processOrder);

    // Deliberately wrong permissions (the code rules and templates are fine): the handler writes
    // receipts but is granted reads only, and the hand-written statement grants a DeleteItem that
    // no code path uses. `stackwarden check` reports iam/missing-permission on the handler's
    // send(...) line and iam/unused-permission on the statement.
    const archiveOrder = new NodejsFunction(this, 'ArchiveOrder', {
      functionName: `${props.stage}-archive-order`,
      entry: 'src/lambda/archive-order/index.ts',
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(10),
      memorySize: 256,
      bundling: { minify: true, externalModules: ['@aws-sdk/*'] },
      environment: {
        TABLE_NAME: table.tableName,
        RECEIPTS_BUCKET: receipts.bucketName,
      },
    });
    receipts.grantRead(archiveOrder);
    archiveOrder.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
  }
}
