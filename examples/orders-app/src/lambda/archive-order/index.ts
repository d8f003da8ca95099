// Archives a recorded order as a receipt object. Deliberately wrong in its stack: the function is
// only granted reads on the receipts bucket (lib/stacks/orders-stack.ts), so the PutObject below
// fails with AccessDenied after deploy; and a hand-written statement grants a DeleteItem that no
// code path uses. stackwarden reports both (iam/missing-permission, iam/unused-permission).
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readOrder } from './orders';

const s3 = new S3Client({ requestHandler: { requestTimeout: 3_000 } });
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ requestHandler: { requestTimeout: 3_000 } }),
);

export const handler = async (event: { orderId: string }): Promise<void> => {
  const order = await readOrder(documents, event.orderId);
  await s3.send(
    new PutObjectCommand({
      Bucket: process.env.RECEIPTS_BUCKET,
      Key: `receipts/${event.orderId}.json`,
      Body: JSON.stringify(order),
    }),
  );
};
