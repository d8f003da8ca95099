// Reading an order, in a module of its own: the permission rules follow the handler's imports.
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

export async function readOrder(
  documents: DynamoDBDocumentClient,
  orderId: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `ORDER#${orderId}` } }),
  );
  return result.Item;
}
