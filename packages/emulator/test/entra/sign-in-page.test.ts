import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import {
  acrsClaims,
  admin,
  authorizeUrl,
  claimsOf,
  cookieOf,
  hiddenField,
  limited,
  noMfa,
  pkce,
  redirectParams,
  startEmulator,
  token,
} from "./support";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

interface Page {
  html: string;
  cookie: string;
  transaction: string;
  csrf: string;
  action: string;
  res: Response;
}

async function openPage(params: Parameters<typeof authorizeUrl>[1] = {}): Promise<Page> {
  const res = await emu.fetch(authorizeUrl(emu, params), { redirect: "manual" });
  const html = await res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
  return {
    html,
    cookie: cookieOf(res),
    transaction: hiddenField(html, "transaction"),
    csrf: hiddenField(html, "csrf"),
    action,
    res,
  };
}

function oidOf(upn: string): string {
  const u = emu.users.find((x) => x.upn === upn);
  if (!u) throw new Error(upn);
  return u.oid;
}

async function submit(
  page: Page,
  fields: { upn?: string; mfa?: boolean; contexts?: string[]; action?: string; csrf?: string; transaction?: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams({
    transaction: fields.transaction ?? page.transaction,
    csrf: fields.csrf ?? page.csrf,
    action: fields.action ?? "signin",
  });
  if (fields.upn) body.set("user", oidOf(fields.upn));
  if (fields.mfa ?? true) body.set("mfa", "approve");
  for (const c of fields.contexts ?? []) body.append("context", c);
  return emu.fetch(page.action, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: page.cookie, ...headers },
    body: body.toString(),
  });
}

describe("the sign-in page", () => {
  it("is a page of the local tenant listing the scenario's users, escaped", async () => {
    const page = await openPage();
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("pimkit local tenant");
    expect(page.html).toContain(admin);
    expect(page.html).not.toContain("<script>alert");
    expect(page.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Mallory&quot;");
    expect(page.html).not.toMatch(/microsoft logo|segoe/i);
    const csp = page.res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("form-action 'self' http://localhost:53123");
    expect(page.res.headers.getSetCookie().join()).toMatch(/HttpOnly/);
    expect(page.action).toBe(`${emu.url}/${emu.tenantId.toLowerCase()}/login`);
  });

  it("lists each requested context by id and display name", async () => {
    const page = await openPage({ claims: acrsClaims(["c1", "c2"]) });
    expect(page.html).toMatch(/name="context" value="c1"/);
    expect(page.html).toMatch(/name="context" value="c2"/);
    expect(page.html).toContain("Privileged access step-up");
    expect(page.html).toContain("Tier 0 passkey");
  });

  it("preselects the login_hint user", async () => {
    const page = await openPage({ extra: { login_hint: limited } });
    expect(page.html).toContain(`value="${oidOf(limited)}" checked`);
  });

  it("signs in the chosen user with the approved contexts", async () => {
    const { verifier, challenge } = pkce();
    const page = await openPage({ claims: acrsClaims(["c1", "c2"]), challenge });
    const res = await submit(page, { upn: admin, contexts: ["c1", "c2"] });
    expect(res.status).toBe(302);
    const p = redirectParams(res);
    expect(p.get("state")).toBe("st-1");
    const t = await token(emu, {
      client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
      grant_type: "authorization_code",
      code: p.get("code") ?? "",
      redirect_uri: "http://localhost:53123",
      code_verifier: verifier,
      scope: "https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory openid offline_access",
      claims: acrsClaims(["c1", "c2"]),
    });
    expect(t.status).toBe(200);
    const at = claimsOf(t.json.access_token);
    expect(at.upn).toBe(admin);
    expect(at.acrs).toEqual(["c1", "c2"]);
    expect(at.amr).toEqual(["pwd", "mfa"]);
    expect(at.xms_cc).toEqual(["cp1"]);
  });

  it("without MFA approved the token says pwd only", async () => {
    const { verifier, challenge } = pkce();
    const page = await openPage({ challenge });
    const p = redirectParams(await submit(page, { upn: admin, mfa: false }));
    const t = await token(emu, {
      client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
      grant_type: "authorization_code",
      code: p.get("code") ?? "",
      redirect_uri: "http://localhost:53123",
      code_verifier: verifier,
      scope: "https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory",
    });
    expect(claimsOf(t.json.access_token).amr).toEqual(["pwd"]);
  });
});

describe("sign-in outcomes that are Conditional Access errors", () => {
  it("a context the user cannot satisfy ends with AADSTS53003", async () => {
    const page = await openPage({ claims: acrsClaims(["c1", "c2"]) });
    const p = redirectParams(await submit(page, { upn: limited, contexts: ["c1", "c2"] }));
    expect(p.get("error")).toBe("access_denied");
    expect(p.get("error_description")).toMatch(/^AADSTS53003: /);
    expect(p.get("state")).toBe("st-1");
    expect(p.get("code")).toBeNull();
  });

  it("a requested context left unticked ends with AADSTS53003", async () => {
    const page = await openPage({ claims: acrsClaims(["c1"]) });
    const p = redirectParams(await submit(page, { upn: admin, contexts: [] }));
    expect(p.get("error_description")).toMatch(/^AADSTS53003: /);
  });

  it("MFA required (amr_values) for a user without MFA ends with AADSTS50079", async () => {
    const page = await openPage({ extra: { amr_values: "mfa" } });
    const p = redirectParams(await submit(page, { upn: noMfa }));
    expect(p.get("error_description")).toMatch(/^AADSTS50079: /);
  });

  it("MFA required by a context's CA policy and not approved ends with AADSTS50074", async () => {
    const page = await openPage({ claims: acrsClaims(["c1"]) });
    const p = redirectParams(await submit(page, { upn: admin, mfa: false, contexts: ["c1"] }));
    expect(p.get("error_description")).toMatch(/^AADSTS50074: /);
  });

  it("Cancel ends with access_denied and error_subcode=cancel", async () => {
    const page = await openPage();
    const p = redirectParams(await submit(page, { action: "cancel" }));
    expect(p.get("error")).toBe("access_denied");
    expect(p.get("error_subcode")).toBe("cancel");
  });

  it("in form_post mode the error is posted to the app", async () => {
    const page = await openPage({ claims: acrsClaims(["c2"]), responseMode: "form_post" });
    const res = await submit(page, { upn: limited, contexts: ["c2"] });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="error" value="access_denied"');
    expect(html).toMatch(/name="error_description" value="AADSTS53003: /);
  });
});

describe("the sign-in form is one-time and CSRF-safe", () => {
  it("refuses a form without the CSRF cookie", async () => {
    const page = await openPage();
    const res = await submit({ ...page, cookie: "" }, { upn: admin });
    expect(res.status).toBe(403);
  });

  it("refuses a form with another CSRF value", async () => {
    const page = await openPage();
    const res = await submit(page, { upn: admin, csrf: "x".repeat(32) });
    expect(res.status).toBe(403);
  });

  it("refuses a form sent from another origin", async () => {
    const page = await openPage();
    const res = await submit(page, { upn: admin }, { origin: "https://evil.example.net" });
    expect(res.status).toBe(403);
  });

  it("accepts a form sent from its own origin", async () => {
    const page = await openPage();
    const res = await submit(page, { upn: admin }, { origin: new URL(emu.url).origin });
    expect(res.status).toBe(302);
  });

  it("a transaction works once", async () => {
    const page = await openPage();
    expect((await submit(page, { upn: admin })).status).toBe(302);
    expect((await submit(page, { upn: admin })).status).toBe(400);
  });

  it("an unknown user re-renders the page and keeps the transaction", async () => {
    const page = await openPage();
    const res = await emu.fetch(page.action, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: page.cookie },
      body: new URLSearchParams({
        transaction: page.transaction,
        csrf: page.csrf,
        user: "nobody",
        action: "signin",
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('role="alert"');
    expect((await submit(page, { upn: admin })).status).toBe(302);
  });

  it("prompt=none without a session answers login_required", async () => {
    const res = await emu.fetch(authorizeUrl(emu, { prompt: "none" }), { redirect: "manual" });
    const p = redirectParams(res);
    expect(p.get("error")).toBe("login_required");
    expect(p.get("error_description")).toMatch(/^AADSTS50058: /);
  });
});
