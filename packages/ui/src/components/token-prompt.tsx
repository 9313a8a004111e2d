/**
 * The API key / token field: shown when the server answers 401 (auth is on and the stored
 * token is missing, expired or revoked). Saving keeps the token in localStorage (api.ts sends
 * it with every request) and reloads the page so every view asks again with it.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiToken, onUnauthenticated, setApiToken } from '../api';

export function TokenPrompt() {
  const [reason, setReason] = useState<string | null>(null);
  const [value, setValue] = useState('');
  useEffect(() => onUnauthenticated((message) => setReason(message)), []);
  if (reason === null) return null;
  const save = (e: Event) => {
    e.preventDefault();
    setApiToken(value.trim());
    location.reload();
  };
  return (
    <form class="token-prompt error" role="region" aria-label="Sign in" onSubmit={save}>
      <span>
        {apiToken() ? 'The server refused the stored API key or token' : 'This server needs an API key or token'}: {reason}
      </span>
      <input
        type="password"
        aria-label="API key or token"
        placeholder="endure_… or a JWT"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={value.trim() === ''}>
        Use it
      </button>
    </form>
  );
}

/** "Forget token" in the top bar, when one is stored. */
export function ForgetTokenButton() {
  if (!apiToken()) return null;
  return (
    <button
      type="button"
      class="ghost"
      title="Forget the API key or token this browser sends"
      onClick={() => {
        setApiToken(null);
        location.reload();
      }}
    >
      Forget token
    </button>
  );
}
