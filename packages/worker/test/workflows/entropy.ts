/** Reads the clock and randomness the way workflow code may: the values must survive replay. */
import { condition, defineQuery, defineSignal, setHandler, uuid4 } from '@endure/workflow';

export interface Entropy {
  now: number;
  dateNow: string;
  random: number;
  uuid: string;
}

export const entropyQuery = defineQuery<Entropy>('entropy');
export const releaseSignal = defineSignal('release');

/** Takes its readings in the first workflow task, answers them by query, returns them once released. */
export async function entropyWorkflow(): Promise<Entropy> {
  const entropy: Entropy = { now: Date.now(), dateNow: new Date().toISOString(), random: Math.random(), uuid: uuid4() };
  let released = false;
  setHandler(entropyQuery, () => entropy);
  setHandler(releaseSignal, () => {
    released = true;
  });
  await condition(() => released);
  return entropy;
}
