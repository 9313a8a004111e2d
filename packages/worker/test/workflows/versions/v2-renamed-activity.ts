/** stepsWorkflow of v1 with its first activity renamed: replaying v1 histories must fail. */
import { proxyActivities } from '@endure/workflow';

interface Steps {
  stepOneRenamed(name: string): Promise<string>;
  stepTwo(input: string): Promise<string>;
}

const { stepOneRenamed, stepTwo } = proxyActivities<Steps>({ startToCloseTimeout: '10 seconds' });

export async function stepsWorkflow(name: string): Promise<string> {
  const first = await stepOneRenamed(name);
  return stepTwo(first);
}
