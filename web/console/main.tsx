import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './console.css';
import { session } from './api.ts';
import { DeadLettersView } from './dead-letters.tsx';
import { EventStreamView } from './event-stream.tsx';
import { fold, type StreamedEvent } from './events.ts';
import { GraphView } from './graph.tsx';
import { ModuleView } from './module-detail.tsx';
import { SignIn } from './sign-in.tsx';
import { openStream, type StreamState } from './stream.ts';
import { TraceView } from './trace.tsx';
import { api } from './api.ts';
import type { Graph } from './types.ts';

type Route = { view: 'graph' } | { view: 'module'; name: string } | { view: 'events'; correlationId: string } | { view: 'dead-letters' } | { view: 'trace'; correlationId: string };

/** Hash routes, so every view has an address and the back button works without a server round trip. */
function parse(hash: string): Route {
  const [view = '', arg = ''] = hash.replace(/^#\/?/, '').split('/');
  const value = decodeURIComponent(arg);
  if (view === 'module' && value) return { view: 'module', name: value };
  if (view === 'events') return { view: 'events', correlationId: value };
  if (view === 'dead-letters') return { view: 'dead-letters' };
  if (view === 'trace') return { view: 'trace', correlationId: value };
  return { view: 'graph' };
}

const TITLES: Record<Route['view'], string> = { graph: 'Graph', module: 'Modules', events: 'Event stream', 'dead-letters': 'Dead letters', trace: 'Traces' };

function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => setRoute(parse(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Shell({ token, onSignOut }: { token: string; onSignOut: (notice: string | null) => void }) {
  const route = useRoute();
  const [events, setEvents] = useState<Map<string, StreamedEvent>>(new Map());
  const [state, setState] = useState<StreamState>('connecting');
  const [modules, setModules] = useState<string[]>([]);
  // The stream is the console being open: while it is connected the server collects spans for the trace view.
  useEffect(
    () => openStream(token, { onReady: () => {}, onObservation: (o) => setEvents((e) => fold(e, o)), onState: setState, onRefused: (m) => onSignOut(m) }),
    [token],
  );
  useEffect(() => {
    api<Graph>('/api/console/graph').then((g) => setModules(g.modules.map((m) => m.name)), () => {});
  }, [token]);
  useEffect(() => {
    document.title = `${TITLES[route.view]} · Café console`;
  }, [route.view]);
  const link = (href: string, view: Route['view'], label: string) => (
    <li>
      <a href={href} aria-current={route.view === view ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <>
      <header class="bar-top">
        <span class="brand">Café console</span>
        <nav aria-label="Console">
          <ul>
            {link('#/graph', 'graph', 'Graph')}
            {link(`#/module/${modules[0] ?? 'identity'}`, 'module', 'Modules')}
            {link('#/events', 'events', 'Event stream')}
            {link('#/dead-letters', 'dead-letters', 'Dead letters')}
            {link('#/trace/', 'trace', 'Traces')}
          </ul>
        </nav>
        <button type="button" class="secondary" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </header>
      <main>
        <h1 class="sr-only">Café console: {TITLES[route.view]}</h1>
        {route.view === 'graph' && <GraphView />}
        {route.view === 'module' && <ModuleView name={route.name} modules={modules} />}
        {route.view === 'events' && (
          <EventStreamView events={events} state={state} filter={route.correlationId} onFilter={(cid) => (location.hash = `#/events/${encodeURIComponent(cid)}`)} />
        )}
        {route.view === 'dead-letters' && <DeadLettersView />}
        {route.view === 'trace' && <TraceView correlationId={route.correlationId} />}
      </main>
    </>
  );
}

function Console() {
  const [token, setToken] = useState(session.token());
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = (message: string | null) => {
    session.clear();
    setNotice(message);
    setToken(null);
  };
  useEffect(() => session.whenRefused(signOut), []);
  if (!token) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(t) => {
          session.set(t);
          setNotice(null);
          setToken(t);
        }}
      />
    );
  }
  return <Shell token={token} onSignOut={signOut} />;
}

render(<Console />, document.getElementById('app')!);
