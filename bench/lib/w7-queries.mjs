/**
 * W7's list and count queries, in one place: the query child sends them to the server, the
 * seeder asks SQLite for their plans (EXPLAIN QUERY PLAN) with the SQL the server makes of them.
 */

/** First pages (pageSize rows). `query(i)` is the i-th repetition's text. */
export const firstPageQueries = {
  // The first query, as written there.
  typeStatusFirstPageMs: () => "WorkflowType = 'T3' AND ExecutionStatus = 'Running' ORDER BY StartTime DESC",
  // A custom Keyword filter; the value changes with every repetition (≈ runs / customers rows each).
  customKeywordFirstPageMs: (i, params) => `CustomKeywordField = '${customerName(i % params.customers)}'`,
  // Not in the issue: a second custom Keyword with a status, and the unfiltered list (default order).
  regionRunningFirstPageMs: (i, params) => `Region = '${regionName(i % params.regions)}' AND ExecutionStatus = 'Running'`,
  defaultFirstPageMs: () => '',
};

/** Paged through `pagingResults` results, `pageSize` a page. */
export const pagingQueries = {
  all: '',
  completedT3: "WorkflowType = 'T3' AND ExecutionStatus = 'Completed'",
};

/** CountWorkflowExecutions. */
export const countQueries = {
  countByStatusMs: 'GROUP BY ExecutionStatus',
  countAllMs: '',
};

export const customerName = (n) => `customer-${String(n).padStart(4, '0')}`;
export const regionName = (n) => `region-${n}`;
export const workflowTypeName = (n) => `T${n}`;
