/** stepsWorkflow of v1 without its second activity: replaying v1 histories must fail. */
import { proxyActivities } from '@endure/workflow';

interface Steps {
  stepOne(name: string): Promise<string>;
}

const { stepOne } = proxyActivities<Steps>({ startToCloseTimeout: '10 seconds' });

export async function stepsWorkflow(name: string): Promise<string> {
  return stepOne(name);
}
