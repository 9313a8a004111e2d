/**
 * One page of the list, refreshed every few seconds, with the page tokens seen so far kept so
 * "Previous page" goes back without refetching from the start. Only the page on screen is
 * ever fetched, whatever the size of the namespace.
 */
import { useState } from 'preact/hooks';
import { useLoad } from '../../hooks';
import { listWorkflows, type ListPage } from './workflows-api';

export const REFRESH_MS = 3000;

export interface WorkflowPage {
  page: ListPage | undefined;
  error: Error | undefined;
  loading: boolean;
  /** 0 for the first page. */
  index: number;
  hasNext: boolean;
  next: () => void;
  previous: () => void;
  reload: () => void;
}

export function useWorkflowPage(ns: string, query: string, pageSize: number): WorkflowPage {
  const listKey = `${ns}\n${query}\n${pageSize}`;
  // tokens[i] opens page i; tokens[0] is the first page (no token).
  const [paging, setPaging] = useState<{ listKey: string; tokens: string[]; index: number }>({ listKey, tokens: [''], index: 0 });
  const current = paging.listKey === listKey ? paging : { listKey, tokens: [''], index: 0 };
  const token = current.tokens[current.index] ?? '';

  const loaded = useLoad(`${listKey}\n${token}`, (signal) => listWorkflows(ns, query, pageSize, token || undefined, signal), REFRESH_MS);
  const nextToken = loaded.data?.nextPageToken ?? '';

  return {
    page: loaded.data,
    error: loaded.error,
    loading: loaded.loading,
    index: current.index,
    hasNext: nextToken !== '',
    next: () => {
      if (!nextToken) return;
      const tokens = [...current.tokens.slice(0, current.index + 1), nextToken];
      setPaging({ listKey, tokens, index: current.index + 1 });
    },
    previous: () => setPaging({ ...current, index: Math.max(0, current.index - 1) }),
    reload: loaded.reload,
  };
}
