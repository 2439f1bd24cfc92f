/**
 * Completing the local tenant's sign-in over plain HTTP, as a person at the page would: open the
 * authorize URL, pick the account, approve MFA and the requested authentication contexts, send
 * the form, and read where the answer goes (redirect or form_post). No browser involved.
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface SignInAnswer {
  /** The app's redirect URI (without the answer). */
  redirectUri: string;
  /** How the answer travels back to the app. */
  mode: "query" | "fragment" | "form_post";
  /** `code`, `state`, `client_info`, `session_state` — or `error`, `error_description`, `error_uri`. */
  params: URLSearchParams;
}

export interface CompleteSignInOptions {
  upn: string;
  /** Tick "approve MFA" (default true). */
  approveMfa?: boolean;
  /** Contexts to approve; default every context the page asks about. */
  contexts?: readonly string[];
  /** Press Cancel instead of Sign in. */
  cancel?: boolean;
  /** How to reach the emulator (its in-process fetch, or a fetch that trusts its CA). */
  fetch?: FetchLike;
  signal?: AbortSignal;
}

/** The page could not be completed (an error page, an unknown user, an unexpected answer). */
export class SignInPageError extends Error {
  override readonly name = "SignInPageError";
  constructor(
    message: string,
    readonly status: number,
    /** The AADSTS number the page shows, when it shows one. */
    readonly code?: number,
  ) {
    super(message);
  }
}

const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

export function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (m) => entities[m] ?? m);
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1] === undefined ? undefined : unescapeHtml(m[1]);
}

interface ParsedForm {
  action: string;
  hidden: Array<[string, string]>;
  users: Array<{ oid: string; label: string }>;
  contexts: string[];
}

function parseForm(html: string): ParsedForm | undefined {
  const form = /<form\b[^>]*>/.exec(html);
  if (!form) return undefined;
  const action = attr(form[0], "action");
  if (!action) return undefined;
  const hidden: Array<[string, string]> = [];
  for (const m of html.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
    const name = attr(m[0], "name");
    const value = attr(m[0], "value") ?? "";
    if (name) hidden.push([name, value]);
  }
  const users: Array<{ oid: string; label: string }> = [];
  const contexts: string[] = [];
  for (const m of html.matchAll(/<label>([\s\S]*?)<\/label>/g)) {
    const inner = m[1] ?? "";
    const input = /<input\b[^>]*>/.exec(inner)?.[0];
    if (!input) continue;
    const name = attr(input, "name");
    const value = attr(input, "value");
    if (!value) continue;
    const label = unescapeHtml(
      inner
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    );
    if (name === "user") users.push({ oid: value, label });
    if (name === "context") contexts.push(value);
  }
  return { action, hidden, users, contexts };
}

function fillSignInForm(form: ParsedForm, options: CompleteSignInOptions): URLSearchParams {
  const want = options.upn.toLowerCase();
  const user = form.users.find((u) => u.label.toLowerCase().split(" ").includes(want));
  if (!user && !options.cancel) throw new SignInPageError(`the sign-in page lists no user ${options.upn}`, 200);
  const body = new URLSearchParams(form.hidden);
  if (user) body.set("user", user.oid);
  if (options.approveMfa ?? true) body.set("mfa", "approve");
  for (const c of options.contexts ?? form.contexts) body.append("context", c);
  body.set("action", options.cancel ? "cancel" : "signin");
  return body;
}

/** A form_post answer page → where it posts and what. */
export function parseFormPost(html: string): { action: string; fields: Array<[string, string]> } | undefined {
  const parsed = parseForm(html);
  if (!parsed || html.includes('name="transaction"')) return undefined;
  return { action: parsed.action, fields: parsed.hidden };
}

function cookiesFrom(res: Response): string[] {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .filter((c) => c.length > 0);
}

function pageMessage(html: string): { text: string; code?: number } {
  const alert = /role="alert">([\s\S]*?)<\/p>/.exec(html)?.[1];
  const heading = /<h1>([\s\S]*?)<\/h1>/.exec(html)?.[1];
  const paragraph = /<div class="card"><h1>[\s\S]*?<\/h1><p>([\s\S]*?)<\/p>/.exec(html)?.[1];
  const text = unescapeHtml((alert ?? paragraph ?? heading ?? "unexpected page").replace(/<[^>]+>/g, ""));
  const code = /AADSTS(\d+)/.exec(text)?.[1];
  return code ? { text, code: Number(code) } : { text };
}

function answerFromLocation(location: string): SignInAnswer {
  const hash = location.indexOf("#");
  if (hash >= 0) {
    return {
      redirectUri: location.slice(0, hash),
      mode: "fragment",
      params: new URLSearchParams(location.slice(hash + 1)),
    };
  }
  const url = new URL(location);
  const params = new URLSearchParams(url.search);
  url.search = "";
  return { redirectUri: url.toString(), mode: "query", params };
}

async function readAnswer(res: Response, emulatorOrigin: string): Promise<SignInAnswer | { page: string }> {
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get("location");
    if (!location) throw new SignInPageError("a redirect without a Location header", res.status);
    return answerFromLocation(new URL(location, emulatorOrigin).toString());
  }
  const html = await res.text();
  if (res.status !== 200) {
    const m = pageMessage(html);
    throw new SignInPageError(m.text, res.status, m.code);
  }
  const post = parseFormPost(html);
  if (post) return { redirectUri: post.action, mode: "form_post", params: new URLSearchParams(post.fields) };
  return { page: html };
}

/**
 * Opens an authorize URL and finishes the sign-in for `upn`. With the emulator in autoSignIn mode
 * the answer comes at once; otherwise the page is filled in and sent.
 */
export async function completeSignInPage(url: string, options: CompleteSignInOptions): Promise<SignInAnswer> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const origin = new URL(url).origin;
  const first = await doFetch(url, { redirect: "manual", ...(options.signal ? { signal: options.signal } : {}) });
  const cookies = cookiesFrom(first);
  const answer = await readAnswer(first, origin);
  if (!("page" in answer)) return answer;
  return submitSignInForm(answer.page, cookies, origin, options);
}

async function submitSignInForm(
  html: string,
  cookies: readonly string[],
  origin: string,
  options: CompleteSignInOptions,
): Promise<SignInAnswer> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const form = parseForm(html);
  if (!form?.hidden.some(([k]) => k === "transaction")) {
    throw new SignInPageError(`not a sign-in page: ${pageMessage(html).text}`, 200);
  }
  const body = fillSignInForm(form, options);
  const res = await doFetch(new URL(form.action, origin).toString(), {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(cookies.length > 0 ? { cookie: cookies.join("; ") } : {}),
    },
    body: body.toString(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const answer = await readAnswer(res, origin);
  if ("page" in answer) throw new SignInPageError(`the sign-in did not finish: ${pageMessage(answer.page).text}`, 200);
  return answer;
}

/**
 * Device code sign-in by hand: open the verification page, enter the code, sign in. Resolves when
 * the emulator has recorded the outcome (the app's next poll gets the token or the error).
 */
export async function completeDeviceCodeSignIn(
  verificationUri: string,
  userCode: string,
  options: CompleteSignInOptions,
): Promise<{ status: number; message: string }> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const origin = new URL(verificationUri).origin;
  const entry = await doFetch(verificationUri, { redirect: "manual" });
  const cookies = cookiesFrom(entry);
  const entryHtml = await entry.text();
  const entryForm = parseForm(entryHtml);
  if (!entryForm) throw new SignInPageError(`not a code entry page: ${pageMessage(entryHtml).text}`, entry.status);
  const codeBody = new URLSearchParams(entryForm.hidden);
  codeBody.set("user_code", userCode);
  const signIn = await doFetch(new URL(entryForm.action, origin).toString(), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: codeBody.toString(),
  });
  const signInHtml = await signIn.text();
  if (signIn.status !== 200 || !signInHtml.includes('name="transaction"')) {
    const m = pageMessage(signInHtml);
    throw new SignInPageError(m.text, signIn.status, m.code);
  }
  const form = parseForm(signInHtml);
  if (!form) throw new SignInPageError("no sign-in form", signIn.status);
  const body = fillSignInForm(form, options);
  const done = await doFetch(new URL(form.action, origin).toString(), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: body.toString(),
  });
  const m = pageMessage(await done.text());
  return { status: done.status, message: m.text };
}
