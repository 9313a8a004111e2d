/** Updates: a cart that takes items by update (with a validator) and holds updates until released. */
import { allHandlersFinished, condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** Adds an item and answers how many there are; an empty item is rejected by the validator. */
export const addItemUpdate = defineUpdate<number, [string]>('addItem');
/** Accepted at once, completes when the cart is released: `released <tag>`. */
export const holdUpdate = defineUpdate<string, [string]>('hold');
export const releaseSignal = defineSignal('release');
export const checkoutSignal = defineSignal('checkout');
export const itemsQuery = defineQuery<string[]>('items');

/** Runs until checked out and every update handler has finished; returns the items. */
export async function cartWorkflow(): Promise<string[]> {
  const items: string[] = [];
  let released = false;
  let checkedOut = false;
  setHandler(
    addItemUpdate,
    (item) => {
      items.push(item);
      return items.length;
    },
    {
      validator: (item) => {
        if (!item) throw new Error('item must not be empty');
      },
    },
  );
  setHandler(holdUpdate, async (tag) => {
    await condition(() => released);
    return `released ${tag}`;
  });
  setHandler(releaseSignal, () => {
    released = true;
  });
  setHandler(checkoutSignal, () => {
    checkedOut = true;
  });
  setHandler(itemsQuery, () => items);
  await condition(() => checkedOut);
  await condition(allHandlersFinished);
  return items;
}
