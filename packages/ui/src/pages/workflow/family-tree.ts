/**
 * The descendants of a run, read from visibility level by level: the children of every run in
 * a level come from one `ParentRunId IN (…)` query (run ids are unique, so no workflow id is
 * needed). Bounded in depth and in nodes, so a huge family cannot stall the page.
 */
import { apiGet } from '../../api';
import type { ListWorkflowExecutionsResponse, WorkflowExecutionListItem } from './workflow-types';

export const FAMILY_DEPTH_MAX = 5;
export const FAMILY_NODES_MAX = 200;
/** Run ids in one IN list. */
const PARENTS_PER_QUERY_MAX = 50;
const PAGE_SIZE = 100;

export interface FamilyNode {
  item: WorkflowExecutionListItem;
  children: FamilyNode[];
}

export interface FamilyTree {
  children: FamilyNode[];
  /** The depth or node limit was reached: descendants may be missing. */
  truncated: boolean;
}

/** A string literal of the list query language. */
export function queryString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** The runs whose parent is one of `parentRunIds`, up to `limit` of them. */
async function childrenOf(namespace: string, parentRunIds: string[], limit: number, signal: AbortSignal): Promise<{ items: WorkflowExecutionListItem[]; more: boolean }> {
  const query = `ParentRunId IN (${parentRunIds.map(queryString).join(', ')})`;
  const items: WorkflowExecutionListItem[] = [];
  let nextPageToken: string | undefined;
  do {
    const response = await apiGet<ListWorkflowExecutionsResponse>(
      `/namespaces/${encodeURIComponent(namespace)}/workflows`,
      { query, pageSize: PAGE_SIZE, nextPageToken },
      signal,
    );
    items.push(...(response.executions ?? []));
    nextPageToken = response.nextPageToken || undefined;
  } while (nextPageToken && items.length < limit);
  return { items: items.slice(0, limit), more: items.length > limit || nextPageToken !== undefined };
}

export async function loadFamilyTree(namespace: string, runId: string, signal: AbortSignal): Promise<FamilyTree> {
  const tree: FamilyTree = { children: [], truncated: false };
  const byRunId = new Map<string, FamilyNode[]>([[runId, tree.children]]);
  let level = [runId];
  let nodes = 0;
  for (let depth = 0; depth < FAMILY_DEPTH_MAX && level.length > 0; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += PARENTS_PER_QUERY_MAX) {
      if (nodes >= FAMILY_NODES_MAX) {
        tree.truncated = true;
        break;
      }
      const { items, more } = await childrenOf(namespace, level.slice(i, i + PARENTS_PER_QUERY_MAX), FAMILY_NODES_MAX - nodes, signal);
      tree.truncated ||= more;
      nodes += items.length;
      for (const item of items) {
        const node: FamilyNode = { item, children: [] };
        byRunId.get(item.parentExecution?.runId ?? '')?.push(node);
        const childRunId = item.execution?.runId;
        if (childRunId) {
          byRunId.set(childRunId, node.children);
          next.push(childRunId);
        }
      }
    }
    level = next;
  }
  // The deepest runs read may have children of their own, not looked for.
  if (level.length > 0) tree.truncated = true;
  return tree;
}
