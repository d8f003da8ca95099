#!/usr/bin/env node
// The orders app: one OrdersStack (compliant) and one ReportsStack (deliberately not) per stage.
import { App, Tags } from 'aws-cdk-lib';
import { OrdersStack } from '../lib/stacks/orders-stack';
import { ReportsStack } from '../lib/stacks/reports-stack';
import { STAGES, accountFor } from '../lib/config';

const app = new App();
for (const stage of STAGES) {
  const env = { account: accountFor(stage), region: 'eu-west-2' };
  const orders = new OrdersStack(app, `${stage}-orders`, { env, stage });
  const reports = new ReportsStack(app, `${stage}-reports`, { env, stage });
  for (const stack of [orders, reports]) {
    Tags.of(stack).add('Project', 'Orders');
    Tags.of(stack).add('Stage', stage);
    Tags.of(stack).add('Owner', 'team-orders');
  }
  // The reports stack was added in a hurry and never got a cost centre.
  Tags.of(orders).add('CostCenter', 'cc-1042');
}
