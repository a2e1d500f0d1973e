import { useState } from 'preact/hooks';
import { authed, cafe, forgetTokens, keepTokens, problemText, storedTokens, UNREACHABLE, type User } from './api.ts';

/** Signs in with the password and reads who that is; the role decides what the page shows. */
async function signIn(email: string, password: string): Promise<{ user?: User; error?: string }> {
  const login = await cafe.POST('/api/identity/login', { body: { email, password } });
  if (!login.data) return { error: problemText(login.error) };
  keepTokens(login.data);
  const me = await authed((headers) => cafe.GET('/api/identity/me', { headers }));
  if (!me.data) {
    forgetTokens();
    return { error: problemText(me.error) };
  }
  return { user: me.data };
}

/** The signed-in account read again after a reload of the tab. */
export async function currentUser(): Promise<User | undefined> {
  if (!storedTokens()) return undefined;
  const me = await authed((headers) => cafe.GET('/api/identity/me', { headers }));
  if (!me.data) forgetTokens();
  return me.data;
}

export async function signOut(): Promise<void> {
  const tokens = storedTokens();
  forgetTokens();
  // The refresh token is revoked on the server too, so a copy of it is worth nothing.
  if (tokens) await cafe.POST('/api/identity/logout', { body: { refreshToken: tokens.refreshToken } }).catch(() => undefined);
}

function useSubmit(run: () => Promise<string | undefined>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setError(await run());
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

function SignInForm({ onSignedIn }: { onSignedIn(user: User): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const { user, error } = await signIn(email, password);
    if (user) onSignedIn(user);
    return error;
  });
  return (
    <form class="card" aria-labelledby="sign-in-title" onSubmit={submit}>
      <h3 id="sign-in-title">Sign in</h3>
      <label for="sign-in-email">Email</label>
      <input id="sign-in-email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for="sign-in-password">Password</label>
      <input id="sign-in-password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

function SignUpForm({ onSignedIn }: { onSignedIn(user: User): void }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const registered = await cafe.POST('/api/identity/register', { body: { email, password, displayName } });
    if (!registered.data) return problemText(registered.error);
    const { user, error } = await signIn(email, password);
    if (user) onSignedIn(user);
    return error;
  });
  return (
    <form class="card" aria-labelledby="sign-up-title" onSubmit={submit}>
      <h3 id="sign-up-title">Create an account</h3>
      <label for="sign-up-name">Your name</label>
      <input id="sign-up-name" autocomplete="name" required value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
      <label for="sign-up-email">Email</label>
      <input id="sign-up-email" type="email" autocomplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for="sign-up-password">Password</label>
      <input
        id="sign-up-password"
        type="password"
        autocomplete="new-password"
        required
        minLength={8}
        aria-describedby="sign-up-password-hint"
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <p id="sign-up-password-hint" class="muted hint">At least 8 characters.</p>
      <div class="actions">
        <button type="submit" disabled={busy}>{busy ? 'Creating your account…' : 'Create account'}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

export function AccountForms({ onSignedIn }: { onSignedIn(user: User): void }) {
  return (
    <section aria-labelledby="account-title">
      <h2 id="account-title">Your account</h2>
      <p class="muted">Sign in to top up your wallet, order and review. New here? Create an account.</p>
      <div class="pair">
        <SignInForm onSignedIn={onSignedIn} />
        <SignUpForm onSignedIn={onSignedIn} />
      </div>
    </section>
  );
}

const ROLE_NAMES: Record<User['role'], string> = { customer: 'customer', barista: 'barista', admin: 'administrator' };

export function AccountBar({ user, onSignedOut }: { user: User; onSignedOut(): void }) {
  return (
    <div class="account-bar">
      <p>
        Signed in as <strong>{user.displayName}</strong> <span class="role">{ROLE_NAMES[user.role]}</span>
      </p>
      <button type="button" class="secondary" onClick={() => void signOut().then(onSignedOut)}>
        Sign out
      </button>
    </div>
  );
}
