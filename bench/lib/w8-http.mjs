/** W8's calls to the HTTP API (`/api/v1`), with Node's fetch and a bound on each. */

const CALL_TIMEOUT_MS = 30_000;

/** The JSON answer of one call; a non-2xx answer throws with the server's message. */
export async function apiJson(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}
