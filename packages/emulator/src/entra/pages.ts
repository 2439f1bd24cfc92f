/**
 * The sign-in surface's HTML: server-rendered, no framework, no third-party anything. Every page
 * says it is pimkit's local tenant and borrows nothing of Microsoft's look. Every tenant string is
 * escaped; the only script is the auto-submit of a form_post answer, allowed by a per-answer CSP
 * nonce.
 */
import { randomBytes } from "node:crypto";
import type { EmuResponse } from "../http/types";

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** CSP source for where a form may go: the redirect URI's origin (or its scheme for app schemes). */
export function formTarget(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.protocol === "http:" || u.protocol === "https:") return u.origin;
    return u.protocol;
  } catch {
    return "'none'";
  }
}

const styles = `
:root { color-scheme: light dark; --ink: #1d2321; --muted: #5b6360; --line: #c9cfcc; --paper: #fbfaf7; --card: #ffffff; --accent: #2f6b4f; --warn: #8a2d1b; }
@media (prefers-color-scheme: dark) { :root { --ink: #e8ece9; --muted: #a8b0ac; --line: #3c4441; --paper: #151917; --card: #1e2321; --accent: #7cc39d; --warn: #f0a08c; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 ui-sans-serif, system-ui, sans-serif; color: var(--ink); background: var(--paper); }
.banner { margin: 0; padding: .5rem 1rem; font-size: .875rem; background: var(--accent); color: var(--paper); }
main { max-width: 34rem; margin: 2rem auto; padding: 0 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1.25rem 1.5rem; }
h1 { font-size: 1.375rem; margin: 0 0 .5rem; }
p { margin: .5rem 0; }
.muted { color: var(--muted); font-size: .875rem; }
fieldset { border: 1px solid var(--line); border-radius: .375rem; margin: 1rem 0; padding: .5rem 1rem .75rem; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: flex; gap: .5rem; align-items: flex-start; padding: .25rem 0; cursor: pointer; }
label input { margin-top: .3rem; accent-color: var(--accent); }
code { font-family: ui-monospace, monospace; font-size: .875em; }
ul { margin: .25rem 0; padding-left: 1.25rem; }
.actions { display: flex; gap: .75rem; margin-top: 1rem; }
button { font: inherit; padding: .5rem 1.25rem; border-radius: .375rem; border: 1px solid var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: var(--paper); }
button.secondary { background: transparent; color: var(--ink); border-color: var(--line); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
input[type=text] { font: inherit; padding: .4rem .5rem; width: 100%; border: 1px solid var(--line); border-radius: .375rem; background: var(--paper); color: var(--ink); }
.error { color: var(--warn); font-weight: 600; }
`;

interface PageOptions {
  title: string;
  body: string;
  status?: number;
  /** Where forms on the page may be sent (CSP form-action). */
  formTargets?: string[];
  script?: string;
}

function page(options: PageOptions): EmuResponse {
  const nonce = randomBytes(16).toString("base64");
  const formAction = options.formTargets && options.formTargets.length > 0 ? options.formTargets.join(" ") : "'none'";
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    options.script ? `script-src 'nonce-${nonce}'` : "script-src 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  const script = options.script ? `<script nonce="${nonce}">${options.script}</script>` : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(options.title)} · pimkit local tenant</title>
<style nonce="${nonce}">${styles}</style>
</head>
<body>
<p class="banner" role="note">pimkit local tenant — an emulator for development and tests. It is not Microsoft and holds no real accounts.</p>
<main>
${options.body}
</main>
${script}
</body>
</html>
`;
  return {
    status: options.status ?? 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": csp,
      "Cache-Control": "no-store, no-cache",
      Pragma: "no-cache",
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    },
    body: html,
  };
}

export interface SignInPageUser {
  oid: string;
  upn: string;
  displayName: string;
}

export interface SignInPageContext {
  id: string;
  displayName: string;
  description: string;
}

export interface SignInPageOptions {
  action: string;
  transactionId: string;
  csrf: string;
  tenantName: string;
  appName: string;
  users: readonly SignInPageUser[];
  selectedOid?: string;
  scopes: readonly string[];
  contexts: readonly SignInPageContext[];
  mfaRequired: boolean;
  /** Where the answer may go after the form is sent (the app's redirect URI). */
  redirectTarget?: string;
  /** Device code sign-in: the app is on another device. */
  device?: boolean;
  error?: string;
}

export function signInPage(o: SignInPageOptions): EmuResponse {
  const users = o.users
    .map((u, i) => {
      const checked = (o.selectedOid ? u.oid === o.selectedOid : i === 0) ? " checked" : "";
      return `<label><input type="radio" name="user" value="${escapeHtml(u.oid)}"${checked} required> <span>${escapeHtml(u.displayName)}<br><span class="muted">${escapeHtml(u.upn)}</span></span></label>`;
    })
    .join("\n");
  const contexts = o.contexts
    .map(
      (c) =>
        `<label><input type="checkbox" name="context" value="${escapeHtml(c.id)}"> <span>Satisfy <code>${escapeHtml(c.id)}</code> — ${escapeHtml(c.displayName)}${c.description ? `<br><span class="muted">${escapeHtml(c.description)}</span>` : ""}</span></label>`,
    )
    .join("\n");
  const scopes =
    o.scopes.length > 0 ? `<ul>${o.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("")}</ul>` : "";
  const body = `<div class="card">
<h1>Sign in to the local tenant</h1>
<p><strong>${escapeHtml(o.appName)}</strong> asks to sign you in to <strong>${escapeHtml(o.tenantName)}</strong>${o.device ? " on another device" : ""}.</p>
<p class="muted">There are no passwords here: choose who you are and what you approve.</p>
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ""}
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="transaction" value="${escapeHtml(o.transactionId)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<fieldset>
<legend>Account</legend>
${users || '<p class="error">The scenario has no users.</p>'}
</fieldset>
<fieldset>
<legend>Verification</legend>
<label><input type="checkbox" name="mfa" value="approve" checked> <span>Approve the multi-factor authentication prompt${o.mfaRequired ? " <strong>(required)</strong>" : ""}</span></label>
${contexts ? `<p class="muted">Authentication contexts requested by the app:</p>\n${contexts}` : ""}
</fieldset>
${scopes ? `<details><summary>Permissions requested</summary>${scopes}</details>` : ""}
<div class="actions">
<button type="submit" name="action" value="signin" class="primary">Sign in</button>
<button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Cancel</button>
</div>
</form>
</div>`;
  const targets = ["'self'"];
  if (o.redirectTarget) targets.push(formTarget(o.redirectTarget));
  return page({ title: "Sign in", body, formTargets: targets });
}

/** response_mode=form_post: the answer as an auto-submitting form (a button without script). */
export function formPostPage(action: string, fields: ReadonlyArray<readonly [string, string]>): EmuResponse {
  const inputs = fields
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("\n");
  const body = `<div class="card">
<h1>Returning to the application</h1>
<form method="post" action="${escapeHtml(action)}" id="answer">
${inputs}
<noscript><p>Script is off: continue by hand.</p><button type="submit" class="primary">Continue</button></noscript>
</form>
</div>`;
  return page({
    title: "Returning to the application",
    body,
    formTargets: [formTarget(action)],
    script: `document.getElementById("answer").submit();`,
  });
}

export function messagePage(title: string, message: string, status = 200): EmuResponse {
  return page({
    title,
    status,
    body: `<div class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`,
  });
}

/** Errors that cannot go back to the app (unknown client, unregistered redirect URI). */
export function errorPage(
  code: number,
  message: string,
  details: ReadonlyArray<readonly [string, string]>,
): EmuResponse {
  const rows = details.map(([k, v]) => `<li>${escapeHtml(k)}: <code>${escapeHtml(v)}</code></li>`).join("");
  return page({
    title: "Sign-in error",
    status: 400,
    body: `<div class="card"><h1>The sign-in cannot continue</h1>
<p class="error" role="alert">AADSTS${code}: ${escapeHtml(message)}</p>
<ul class="muted">${rows}</ul></div>`,
  });
}

export function deviceCodeEntryPage(o: { action: string; csrf: string; error?: string }): EmuResponse {
  const body = `<div class="card">
<h1>Enter the code</h1>
<p>Enter the code shown by the application on your other device to sign in to the local tenant.</p>
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ""}
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required>
<div class="actions"><button type="submit" class="primary">Next</button></div>
</form>
</div>`;
  return page({ title: "Enter the code", body, formTargets: ["'self'"] });
}
