// The two HTML documents the dashboard serves: the sign-in form and the shell the script fills in.
// Everything else the page shows comes from the admin JSON routes.

export interface ShellBoot {
  csrf: string | null;
  signedIn: boolean;
  builtIns: readonly string[];
}

const HEAD = `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><link rel="stylesheet" href="/dashboard/assets/dashboard.css">`;

export function shellPage(boot: ShellBoot): string {
  // JSON in a non-executed script element; `<` escaped so no string in it can close the element.
  const json = JSON.stringify(boot).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head>${HEAD}
<link rel="stylesheet" href="/dashboard/assets/vendor-uplot.css"><title>LLM router · dashboard</title></head>
<body><div id="app"><p class="loading">Loading…</p></div>
<script type="application/json" id="boot">${json}</script>
<script type="module" src="/dashboard/assets/app.js"></script></body></html>`;
}

export function signInPage(error: string | null): string {
  return `<!doctype html><html lang="en"><head>${HEAD}<title>Sign in · LLM router</title></head>
<body class="sign-in"><main class="card sign-in-card"><h1>LLM router</h1>
<p>Sign in with the gateway's admin key (<code>ROUTER_ADMIN_KEY</code>).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/dashboard/sign-in"><label for="key">Admin key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></main></body></html>`;
}

export function refusedPage(reason: string): string {
  return `<!doctype html><html lang="en"><head>${HEAD}<title>Dashboard · LLM router</title></head>
<body class="sign-in"><main class="card sign-in-card"><h1>LLM router</h1><p class="error">${escapeHtml(reason)}</p>
<p>Set <code>ROUTER_ADMIN_KEY</code> to sign in from another host.</p></main></body></html>`;
}

export function indexPage(): string {
  return `<!doctype html><html lang="en"><head>${HEAD}<title>LLM router</title></head>
<body class="sign-in"><main class="card sign-in-card"><h1>LLM router</h1>
<p>An OpenAI-compatible gateway: <code>POST /v1/chat/completions</code>.</p>
<ul><li><a href="/dashboard">Dashboard</a></li><li><a href="/health">Health (JSON)</a></li><li><a href="/v1/models">Models (JSON)</a></li></ul></main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
