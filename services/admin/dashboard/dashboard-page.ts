/**
 * The dashboard's page: the login form, then the servers table, the load charts, the player
 * search with Kick and Message, and the message to everyone. The script (web/main.ts, bundled)
 * wires the forms; the style sheets (uPlot's, then the dashboard's) are inlined.
 */
import { DASHBOARD_CSS } from './dashboard-style.js';

/** The page's path. */
export const DASHBOARD_PATH = '/admin';
/** The bundled script's URL (its source map is beside it). */
export const DASHBOARD_SCRIPT_URL = '/admin/main.js';

/** The page, with `uplotCss` (uPlot's style sheet) inlined. */
export function dashboardPage(uplotCss: string): string {
  // A style sheet cannot end the style element early unless it says so.
  const css = `${uplotCss}\n${DASHBOARD_CSS}`.replace(/<\/style/gi, '<\\/style');
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tessera admin</title>
<style>${css}</style>
<script type="module" src="${DASHBOARD_SCRIPT_URL}"></script>
<body>
<header>
  <h1>tessera admin</h1>
  <p id="who" hidden></p>
  <button id="logout" type="button" hidden>Log out</button>
</header>
<p id="status" role="status" aria-live="polite"></p>
<main>
<section id="login-view" aria-labelledby="login-title">
  <h2 id="login-title">Log in</h2>
  <form id="login-form">
    <label for="username">Username</label>
    <input id="username" name="username" autocomplete="username" required>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <div><button type="submit">Log in</button></div>
  </form>
</section>
<div id="cluster-view" hidden>
  <section aria-labelledby="servers-title">
    <h2 id="servers-title">Servers</h2>
    <table>
      <thead><tr>
        <th scope="col">Server</th><th scope="col">Type</th><th scope="col">Address</th><th scope="col">Version</th>
        <th scope="col">Uptime</th><th scope="col">Sessions</th><th scope="col">Entities</th><th scope="col">CPU</th>
        <th scope="col">Event-loop lag</th><th scope="col">State</th><th scope="col">Actions</th>
      </tr></thead>
      <tbody id="servers-body"></tbody>
    </table>
  </section>
  <section aria-labelledby="load-title">
    <h2 id="load-title">Live load</h2>
    <p id="updated">Waiting for the first sample.</p>
    <div id="charts"></div>
  </section>
  <section aria-labelledby="session-title">
    <h2 id="session-title">Find a player</h2>
    <form id="session-form" class="inline">
      <div><label for="session-by">Search by</label>
        <select id="session-by"><option value="username">Username</option><option value="account">Account id</option></select></div>
      <div><label for="session-query">Username or account id</label><input id="session-query" required></div>
      <button type="submit">Search</button>
    </form>
    <div id="session-result" hidden>
      <dl id="session-details"></dl>
      <form id="kick-form" class="inline">
        <div><label for="kick-reason">Kick reason</label><input id="kick-reason" required maxlength="256"></div>
        <button id="kick" type="submit">Kick</button>
      </form>
      <form id="message-form" class="inline">
        <div><label for="message-text">Message to this player</label><input id="message-text" required maxlength="1000"></div>
        <button type="submit">Send message</button>
      </form>
    </div>
  </section>
  <section aria-labelledby="broadcast-title">
    <h2 id="broadcast-title">Message everyone</h2>
    <form id="broadcast-form" class="inline">
      <div><label for="broadcast-text">Message to every player online</label><textarea id="broadcast-text" rows="2" required maxlength="1000"></textarea></div>
      <button type="submit">Send to everyone</button>
    </form>
  </section>
</div>
</main>
</body>
</html>
`;
}
