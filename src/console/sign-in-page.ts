// The sign-in form (no Access in front) and the pages that say why nobody may enter.
import { html, raw } from "hono/html";
import type { Html } from "../web/layout.ts";
import { type ConsoleContext, consolePage } from "./layout.ts";
import { SESSION_HOURS } from "./session.ts";

export function signInPage(ctx: ConsoleContext, o: { local: boolean; error?: string }): Html {
  const error = o.error;
  const hint = o.local
    ? html` (<code>ADMIN_TOKEN</code>: on this machine <code>dev-admin-token</code>, unless <code>.dev.vars</code> sets another)`
    : html` (<code>ADMIN_TOKEN</code>)`;
  const main = html`<h1>Sign in</h1>
<p>Enter the admin token${hint}. You stay signed in for ${SESSION_HOURS} hours in this browser, or until you sign out.</p>
<form method="post" action="/admin/sign-in" class="panel"${error ? raw(' aria-describedby="sign-in-error"') : raw("")}>
${error ? html`<p class="error" id="sign-in-error" role="alert">${error}</p>` : raw("")}
<p><label for="token">Admin token</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required${error ? raw(' aria-invalid="true"') : raw("")}></p>
<p><button type="submit">Sign in</button></p>
</form>`;
  return consolePage(ctx, { title: "Sign in", path: "/admin/", main, nav: false });
}

export function accessDeniedPage(ctx: ConsoleContext, reason: string): Html {
  const main = html`<h1>Sign in through Cloudflare Access</h1>
<p>This console is behind Cloudflare Access, and this request carried no valid Access sign-in (${reason}).</p>
<p>Open the console at the address Access protects, or sign in again there.</p>`;
  return consolePage(ctx, { title: "Sign in through Cloudflare Access", path: "/admin/", main, nav: false });
}

export function notConfiguredPage(ctx: ConsoleContext, setting: string): Html {
  const main = html`<h1>The console is not configured</h1>
<p>Nobody may enter until one way of signing in is set up. Set ${setting}:</p>
<ul>
<li>Cloudflare Access: <code>ACCESS_TEAM_DOMAIN</code> (e.g. <code>myteam.cloudflareaccess.com</code>) and <code>ACCESS_AUD</code> (the Access application's AUD tag) in <code>wrangler.toml</code> [vars];</li>
<li>or an admin token: <code>wrangler secret put ADMIN_TOKEN</code>.</li>
</ul>`;
  return consolePage(ctx, { title: "The console is not configured", path: "/admin/", main, nav: false });
}

export function foreignOriginPage(ctx: ConsoleContext): Html {
  const main = html`<h1>Refused: sent from another site</h1>
<p>This form was sent from a page that is not this console, so nothing was changed. Go back to the <a href="/admin/">console</a> and try again from there.</p>`;
  return consolePage(ctx, { title: "Refused: sent from another site", path: "/admin/", main, nav: false });
}
