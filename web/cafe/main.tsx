import { render } from 'preact';

function Cafe() {
  return (
    <main>
      <h1>Café</h1>
    </main>
  );
}

render(<Cafe />, document.getElementById('app')!);
