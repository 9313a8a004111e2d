/**
 * Runs queries against the run: any query type with JSON arguments, and the built-in
 * `__stack_trace`, whose answer is the workflow's call stack as text.
 */
import { useState } from 'preact/hooks';
import { apiPost } from '../../api';
import { ErrorBox, PayloadView } from '../../components/common';
import { parseJsonArgs } from '../../components/json-args';
import { statusName } from '../../format';
import type { WorkflowRef } from './history/history-tab';
import { workflowApiPath } from './links';

const STACK_TRACE_QUERY = '__stack_trace';

interface QueryWorkflowResponse {
  queryResult?: unknown;
  queryRejected?: { status?: string };
}

type Answer =
  | { kind: 'result'; queryType: string; response: QueryWorkflowResponse }
  | { kind: 'error'; queryType: string; error: unknown };

/** A query answer that is one string (as `__stack_trace`'s is) reads best as preformatted text. */
function singleString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

function AnswerView({ answer }: { answer: Answer }) {
  if (answer.kind === 'error') return <ErrorBox error={answer.error} />;
  const { queryRejected, queryResult } = answer.response;
  if (queryRejected) {
    return <ErrorBox error={`The query was rejected: the workflow is ${statusName(queryRejected.status) || 'not running'}.`} />;
  }
  const text = singleString(queryResult);
  if (answer.queryType === STACK_TRACE_QUERY && text !== undefined) {
    return (
      <pre class="stack-trace" aria-label="Call stack">
        {text}
      </pre>
    );
  }
  return <PayloadView value={queryResult ?? []} label="Query result" />;
}

export function QueriesTab({ namespace, workflowId, runId }: WorkflowRef) {
  const [queryType, setQueryType] = useState('');
  const [argsText, setArgsText] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | undefined>(undefined);

  const run = async (type: string, args: unknown[]) => {
    setBusy(true);
    setAnswer(undefined);
    try {
      const response = await apiPost<QueryWorkflowResponse>(`${workflowApiPath(namespace, workflowId)}/query/${encodeURIComponent(type)}`, {
        execution: { workflowId, runId },
        query: { queryType: type, queryArgs: args },
      });
      setAnswer({ kind: 'result', queryType: type, response });
    } catch (error) {
      setAnswer({ kind: 'error', queryType: type, error });
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const parsed = parseJsonArgs(argsText);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem('');
    void run(queryType.trim(), parsed.args);
  };

  return (
    <div class="queries">
      <form class="query-form card" onSubmit={submit}>
        <label>
          Query type
          <input required value={queryType} onInput={(e) => setQueryType(e.currentTarget.value)} />
        </label>
        <label>
          Arguments (JSON array, one element per argument)
          <textarea value={argsText} placeholder="[]" onInput={(e) => setArgsText(e.currentTarget.value)} />
        </label>
        {problem && (
          <p class="form-message" role="alert">
            {problem}
          </p>
        )}
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy || !queryType.trim()}>
            Run query
          </button>
          <button type="button" disabled={busy} onClick={() => void run(STACK_TRACE_QUERY, [])}>
            Stack trace
          </button>
        </div>
      </form>
      {busy && <p class="muted" aria-busy="true">Waiting for a worker to answer…</p>}
      {answer && (
        <section class="card" aria-label="Query answer">
          <h2>
            Answer to <span class="mono">{answer.queryType}</span>
          </h2>
          <AnswerView answer={answer} />
        </section>
      )}
    </div>
  );
}
