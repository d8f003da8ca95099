// Reading an order, in a module of its own: the permission rules follow the handler's imports.
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}

const TABLE_NAME = requireEnv('TABLE_NAME');

export async function readOrder(
  documents: DynamoDBDocumentClient,
  orderId: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ORDER#${orderId}` } }),
  );
  return result.Item;
}
