import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { AccountBar, AccountForms, currentUser } from './account.tsx';
import { onSessionEnded, storedTokens, type User } from './api.ts';
import { BaristaBoard } from './barista-board.tsx';
import { Menu } from './menu.tsx';
import { Orders } from './order.tsx';
import { Wallet } from './wallet.tsx';

/**
 * The café page: the menu for everyone; for a customer the wallet, ordering with live status
 * and reviews; for a barista the ticket board. It speaks only the public HTTP API.
 */
function Cafe() {
  const [user, setUser] = useState<User>();
  const [checking, setChecking] = useState(storedTokens() !== undefined);
  const [announcement, setAnnouncement] = useState('');
  const [menuVersion, setMenuVersion] = useState(0);
  const [ordersVersion, setOrdersVersion] = useState(0);
  const [walletVersion, setWalletVersion] = useState(0);
  const main = useRef<HTMLElement>(null);
  // The form that had focus is gone after signing in or out: start the keyboard again at the top of the new view.
  const refocus = () => requestAnimationFrame(() => main.current?.focus());

  useEffect(() => {
    currentUser()
      .then(setUser)
      .catch(() => undefined)
      .finally(() => setChecking(false));
    return onSessionEnded(() => {
      setUser(undefined);
      setAnnouncement('Your session has ended; please sign in again.');
    });
  }, []);

  const signedIn = (u: User) => {
    setUser(u);
    setAnnouncement(`Signed in as ${u.displayName}.`);
    refocus();
  };
  const signedOut = () => {
    setUser(undefined);
    setAnnouncement('Signed out.');
    refocus();
  };
  const customer = user?.role === 'customer';

  return (
    <>
      <header class="masthead">
        <div class="masthead-inner">
          <div>
            <h1>Café</h1>
            <p class="tagline">Order ahead, watch it being made, tell us how it was.</p>
          </div>
          {user && <AccountBar user={user} onSignedOut={signedOut} />}
        </div>
      </header>
      <main class="cafe" ref={main} tabIndex={-1}>
        {/* One polite live region for the whole page, so changes are read out once and in order. */}
        <p class="sr-only" role="status" aria-live="polite">
          {announcement}
        </p>
        <div class={user?.role === 'barista' ? 'layout staff' : 'layout'}>
          <div class="primary">
            {user?.role === 'barista' && <BaristaBoard announce={setAnnouncement} />}
            <Menu
              canOrder={customer}
              signedIn={user !== undefined}
              version={menuVersion}
              announce={setAnnouncement}
              onPlaced={() => {
                setOrdersVersion((v) => v + 1);
                setWalletVersion((v) => v + 1);
              }}
            />
          </div>
          <div class="secondary-column">
            {checking && <p class="muted">Checking your session…</p>}
            {!checking && !user && <AccountForms onSignedIn={signedIn} />}
            {customer && (
              <>
                <Wallet version={walletVersion} announce={setAnnouncement} />
                <Orders
                  customerId={user.id}
                  version={ordersVersion}
                  announce={setAnnouncement}
                  onMoved={() => setWalletVersion((v) => v + 1)}
                  onReviewed={() => setMenuVersion((v) => v + 1)}
                />
              </>
            )}
            {user?.role === 'admin' && (
              <section class="card" aria-labelledby="admin-title">
                <h2 id="admin-title">Administrator</h2>
                <p>Menu items and staff accounts are managed through the API; this page shows the menu as customers see it.</p>
              </section>
            )}
          </div>
        </div>
      </main>
    </>
  );
}

render(<Cafe />, document.getElementById('app')!);
