/** stepsWorkflow of v1 with a timer between its activities: replaying v1 histories must fail. */
import { proxyActivities, sleep } from '@endure/workflow';

interface Steps {
  stepOne(name: string): Promise<string>;
  stepTwo(input: string): Promise<string>;
}

const { stepOne, stepTwo } = proxyActivities<Steps>({ startToCloseTimeout: '10 seconds' });

export async function stepsWorkflow(name: string): Promise<string> {
  const first = await stepOne(name);
  await sleep('1 second');
  return stepTwo(first);
}
