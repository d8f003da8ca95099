// Archives a recorded order as a receipt object. The code follows every rule; its stack does not:
// the function is only granted reads on the receipts bucket (lib/stacks/orders-stack.ts), so the
// PutObject below fails with AccessDenied after deploy, and a hand-written statement grants a
// DeleteItem that no code path uses. stackwarden reports both (iam/missing-permission,
// iam/unused-permission).
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { readOrder } from './orders';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}

const RECEIPTS_BUCKET = requireEnv('RECEIPTS_BUCKET');
const logger = new Logger();
const s3 = new S3Client({ requestHandler: { requestTimeout: 3_000 } });
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ requestHandler: { requestTimeout: 3_000 } }),
);

// stackwarden-ignore code/missing-idempotency: the key is the order id, so a retry rewrites the same receipt
export const handler = async (event: { orderId: string }): Promise<void> => {
  try {
    const order = await readOrder(documents, event.orderId);
    await s3.send(
      new PutObjectCommand({
        Bucket: RECEIPTS_BUCKET,
        Key: `receipts/${event.orderId}.json`,
        Body: JSON.stringify(order),
      }),
    );
    logger.info('receipt archived', { orderId: event.orderId });
  } catch (error) {
    logger.error('archiving failed', { orderId: event.orderId, error });
    throw error;
  }
};
