import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createClock } from "../../src/clock";
import type { EmulatorContext } from "../../src/context";
import { createEntra, type Entra } from "../../src/entra/index";
import { createFaultInjector } from "../../src/http/fault-injector";
import { createRequestLog } from "../../src/http/request-log";
import { loadScenario } from "../../src/scenario/load";
import { createTenantState } from "../../src/state/store";
import { admin, testScenario } from "./support";

const graph = "https://graph.microsoft.com";
const arm = "https://management.azure.com";
// A frozen clock this test moves by hand.
const clock = createClock(new Date("2026-03-01T10:00:00Z"), true);

let entra: Entra;
let ctx: EmulatorContext;

beforeAll(async () => {
  const state = createTenantState(loadScenario(testScenario()), clock);
  ctx = {
    publicBase: "https://127.0.0.1:1",
    state,
    clock,
    get tokens() {
      return entra.verifier;
    },
    faults: createFaultInjector(),
    log: createRequestLog({ clock }),
    newId: () => crypto.randomUUID(),
  };
  entra = await createEntra(() => ctx, {});
});

const verify = (authorization: string | undefined, audience = graph) => entra.verifier.verify(authorization, audience);

describe("TokenVerifier", () => {
  it("accepts a token it issued and reads the claims PIM evaluates", async () => {
    const jwt = await entra.issueAccessToken({
      upn: admin,
      audience: graph,
      scopes: ["RoleAssignmentSchedule.ReadWrite.Directory"],
      acrs: ["c1"],
      xmsCc: ["cp1"],
    });
    const check = await verify(`Bearer ${jwt}`);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.claims).toMatchObject({
      aud: graph,
      upn: admin,
      scp: ["RoleAssignmentSchedule.ReadWrite.Directory"],
      amr: ["pwd", "mfa"],
      acrs: ["c1"],
      xmsCc: ["cp1"],
      tid: ctx.state.tenant.id,
    });
  });

  it("the default amr follows what the user can do; an explicit one is kept", async () => {
    const jwt = await entra.issueAccessToken({
      upn: admin,
      audience: arm,
      scopes: ["user_impersonation"],
      amr: ["pwd"],
    });
    const check = await verify(`bearer ${jwt}`, arm);
    expect(check.ok && check.claims.amr).toEqual(["pwd"]);
  });

  it("accepts another spelling of the same resource", async () => {
    const jwt = await entra.issueAccessToken({
      upn: admin,
      audience: "https://management.core.windows.net/",
      scopes: ["user_impersonation"],
    });
    expect((await verify(`Bearer ${jwt}`, arm)).ok).toBe(true);
  });

  const failures: Array<[string, () => Promise<string | undefined>, string, string?]> = [
    ["no header", async () => undefined, "missing"],
    ["a Basic header", async () => "Basic dXNlcjpwYXNz", "missing"],
    ["not a JWT", async () => "Bearer not-a-jwt", "malformed"],
    [
      "a forged signature",
      async () =>
        `Bearer ${await entra.issueAccessToken({ upn: admin, audience: graph, scopes: ["User.Read"], forge: true })}`,
      "bad_signature",
    ],
    [
      "an expired token",
      async () =>
        `Bearer ${await entra.issueAccessToken({ upn: admin, audience: graph, scopes: ["User.Read"], expiresInSeconds: -301 })}`,
      "expired",
    ],
    [
      "another audience",
      async () =>
        `Bearer ${await entra.issueAccessToken({ upn: admin, audience: arm, scopes: ["user_impersonation"] })}`,
      "wrong_audience",
    ],
    [
      "another tenant",
      async () =>
        `Bearer ${await entra.issueAccessToken({ upn: admin, audience: graph, scopes: ["User.Read"], tenantId: "11111111-2222-3333-4444-555555555555" })}`,
      "wrong_tenant",
    ],
  ];
  it.each(failures)("refuses %s", async (_name, make, failure) => {
    const check = await verify(await make());
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.failure).toBe(failure);
  });

  it("allows 5 minutes of clock skew on exp", async () => {
    const jwt = await entra.issueAccessToken({
      upn: admin,
      audience: graph,
      scopes: ["User.Read"],
      expiresInSeconds: -299,
    });
    expect((await verify(`Bearer ${jwt}`)).ok).toBe(true);
  });

  it("judges expiry by the emulator clock", async () => {
    const jwt = await entra.issueAccessToken({
      upn: admin,
      audience: graph,
      scopes: ["User.Read"],
      expiresInSeconds: 600,
    });
    expect((await verify(`Bearer ${jwt}`)).ok).toBe(true);
    clock.advance(901 * 1000);
    const check = await verify(`Bearer ${jwt}`);
    expect(!check.ok && check.failure).toBe("expired");
    clock.advance(-901 * 1000);
  });

  it("accepts a token of a guest tenant of the scenario", async () => {
    const guest = ctx.state.guestTenants[0];
    expect(guest).toBeDefined();
    const jwt = await entra.issueAccessToken({
      upn: admin,
      audience: graph,
      scopes: ["User.Read"],
      tenantId: guest?.id ?? "",
    });
    expect((await verify(`Bearer ${jwt}`)).ok).toBe(true);
  });

  it("signs with the published key (checked by jose against the JWKS)", async () => {
    const jwt = await entra.issueAccessToken({ upn: admin, audience: graph, scopes: ["User.Read"] });
    const jwks = createLocalJWKSet(entra.jwks() as Parameters<typeof createLocalJWKSet>[0]);
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { currentDate: clock.now() });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.upn).toBe(admin);
    const forged = await entra.issueAccessToken({ upn: admin, audience: graph, scopes: ["User.Read"], forge: true });
    await expect(jwtVerify(forged, jwks, { currentDate: clock.now() })).rejects.toThrow();
  });
});
