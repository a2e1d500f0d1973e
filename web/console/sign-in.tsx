import { useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';

/**
 * Operators sign in with their café account through identity's public login; the console then
 * asks one of its own routes, so an account without the operator role is told so here.
 */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (token: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { accessToken } = await api<{ accessToken: string }>('/api/identity/login', { method: 'POST', body: { email, password }, token: '' });
      await api('/api/console/graph', { token: accessToken });
      onSignedIn(accessToken);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? 'This account is not an operator: the console needs the admin role.' : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Café console</h1>
      <form class="card" onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h2>Operator sign-in</h2>
        {notice && <p class="muted">{notice}</p>}
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
