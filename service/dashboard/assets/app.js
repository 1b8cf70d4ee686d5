// The dashboard's shell: header, navigation and the hash route that picks the page.
import { render } from './vendor-preact.mjs';
import { boot, html, useHash } from './lib.js';
import { Health } from './health.js';
import { Overview } from './overview.js';
import { RequestDetail, Requests } from './requests.js';
import { Routing } from './routing.js';

const PAGES = [
  ['overview', 'Overview'],
  ['routing', 'Routing'],
  ['health', 'Health'],
  ['requests', 'Requests'],
];

const go = (route) => {
  location.hash = `#/${route}`;
};

function App() {
  const { page, rest, params } = useHash();
  let body;
  if (page === 'requests' && rest[0]) body = html`<${RequestDetail} id=${rest[0]} />`;
  else if (page === 'requests') body = html`<${Requests} params=${params} go=${go} />`;
  else if (page === 'routing') body = html`<${Routing} />`;
  else if (page === 'health') body = html`<${Health} />`;
  else body = html`<${Overview} params=${params} go=${go} />`;
  return html`<header class="top">
      <a class="brand" href="#/overview">LLM router</a>
      <nav>${PAGES.map(([id, label]) => html`<a href=${`#/${id}`} aria-current=${page === id ? 'page' : undefined}>${label}</a>`)}</nav>
      ${boot.signedIn && html`<form method="post" action="/dashboard/sign-out" class="sign-out"><button type="submit">Sign out</button></form>`}
    </header>
    <main>${body}</main>`;
}

const root = document.getElementById('app');
// Preact adds to what the container holds: the server's "Loading…" goes first.
root.textContent = '';
render(html`<${App} />`, root);
