// Records an order exactly once: the SDK client lives at module scope, the handler is wrapped in
// Powertools idempotency, the put is conditional, and failures are logged and rethrown.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}

const TABLE_NAME = requireEnv('TABLE_NAME');
const logger = new Logger();
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ requestHandler: { requestTimeout: 3_000 } }),
);
const persistenceStore = new DynamoDBPersistenceLayer({ tableName: TABLE_NAME });

interface OrderEvent {
  orderId: string;
  amountCents: number;
}

async function processOrder(event: OrderEvent): Promise<{ orderId: string }> {
  try {
    await documents.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { pk: `ORDER#${event.orderId}`, amountCents: event.amountCents },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    logger.info('order recorded', { orderId: event.orderId });
    return { orderId: event.orderId };
  } catch (error) {
    logger.error('order failed', { orderId: event.orderId, error });
    throw error;
  }
}

export const handler = makeIdempotent(processOrder, { persistenceStore });
