/**
 * How sort keys treat NULL, shared by the SQL translator and the in-memory evaluator so
 * both sort the same way: a nullable number sorts as NULL_SORT_NUMBER (after every value,
 * so running executions, with no close time, come first in the default descending order),
 * a nullable keyword as '' (before every other value).
 */
import type { ResolvedAttribute } from './attributes.js';

/** 2^62: exact both as a SQL integer and as a JS number, and above any time in ms. */
export const NULL_SORT_NUMBER = 2 ** 62;
/** NULL_SORT_NUMBER written out in full (String() would round it to 4611686018427388000). */
export const NULL_SORT_NUMBER_SQL = BigInt(NULL_SORT_NUMBER).toString();
export const NULL_SORT_TEXT = '';

/** Keywords sort as text; everything else sortable (statuses included) as numbers. */
export function sortsAsText(attribute: ResolvedAttribute): boolean {
  return attribute.type === 'Keyword' && attribute.special !== 'ExecutionStatus';
}
