import { describe, expect, it } from 'vitest';
import { composeQuery, filtersFromUrl, filtersToUrl, listQueries, literal, rangeStart, splitOrderBy, type ListFilters } from './list-query';

const none: ListFilters = { query: '', status: '', type: '', range: 'any', pageSize: 50 };

describe('the list filters', () => {
  it('read back from the URL they were written to, defaults left out', () => {
    const filters: ListFilters = { query: "WorkflowId = 'a'", status: 'Running', type: 'Order', range: '24h', pageSize: 100 };
    const url = filtersToUrl(filters);
    expect(filtersFromUrl(Object.fromEntries(new URLSearchParams(url.slice(1))))).toEqual(filters);
    expect(filtersToUrl(none)).toBe('');
  });

  it('ignore unknown values in the URL', () => {
    expect(filtersFromUrl({ status: 'Sleeping', range: '3y', pageSize: '-4' })).toEqual(none);
    expect(filtersFromUrl({ pageSize: '7' }).pageSize).toBe(7);
    expect(filtersFromUrl({ pageSize: '100000' }).pageSize).toBe(50);
  });

  it('compose into one query, the typed part first and ORDER BY last', () => {
    const filters = { ...none, query: "WorkflowType = 'A' OR WorkflowType = 'B' ORDER BY StartTime ASC", status: 'Failed', type: "it's" };
    expect(composeQuery(filters, { startAfter: '2026-01-01T00:00:00.000Z' })).toBe(
      "(WorkflowType = 'A' OR WorkflowType = 'B') AND ExecutionStatus = 'Failed' AND WorkflowType = 'it\\'s' AND StartTime > '2026-01-01T00:00:00.000Z' ORDER BY StartTime ASC",
    );
    expect(composeQuery(filters, { withoutStatus: true, withoutOrder: true })).toBe(
      "(WorkflowType = 'A' OR WorkflowType = 'B') AND WorkflowType = 'it\\'s'",
    );
  });

  it('leave a lone typed query as it was typed', () => {
    expect(composeQuery({ ...none, query: "  WorkflowId = 'x'  " })).toBe("WorkflowId = 'x'");
    expect(composeQuery(none)).toBe('');
    expect(composeQuery(none, { extra: ["ExecutionStatus = 'Running'"] })).toBe("ExecutionStatus = 'Running'");
  });

  it('find ORDER BY outside string literals only', () => {
    expect(splitOrderBy("WorkflowId = 'x order by y' order by StartTime")).toEqual({ where: "WorkflowId = 'x order by y'", orderBy: 'order by StartTime' });
    expect(splitOrderBy('ORDER BY CloseTime DESC')).toEqual({ where: '', orderBy: 'ORDER BY CloseTime DESC' });
    expect(splitOrderBy("WorkflowId = 'it\\'s order by'")).toEqual({ where: "WorkflowId = 'it\\'s order by'", orderBy: '' });
  });

  it('quote literals and count time ranges back from now', () => {
    expect(literal("a'b\\c")).toBe("'a\\'b\\\\c'");
    expect(rangeStart('1h', Date.parse('2026-01-01T01:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
    expect(rangeStart('any', Date.now())).toBeUndefined();
  });
});

describe('the list page queries', () => {
  it('count over every status, and batch over the running workflows among those listed', () => {
    const q = listQueries({ ...none, status: 'Completed', type: 'T', query: 'WorkflowId = "x" ORDER BY StartTime' }, undefined);
    expect(q.listQuery).toBe(`(WorkflowId = "x") AND ExecutionStatus = 'Completed' AND WorkflowType = 'T' ORDER BY StartTime`);
    expect(q.countQuery).toBe(`(WorkflowId = "x") AND WorkflowType = 'T'`);
    expect(q.runningQuery).toBe(`(WorkflowId = "x") AND ExecutionStatus = 'Completed' AND WorkflowType = 'T' AND ExecutionStatus = 'Running'`);
    expect(listQueries({ ...none, status: 'Running' }, undefined).runningQuery).toBe("ExecutionStatus = 'Running'");
    expect(listQueries(none, undefined).runningQuery).toBe("ExecutionStatus = 'Running'");
  });
});
