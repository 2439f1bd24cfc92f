import { describe, expect, it } from "vitest";
import {
  acrsInClaims,
  buildAcrsClaims,
  claimsFromWwwAuthenticate,
  mergeClaims,
  parseClaimsChallenge,
  parseWwwAuthenticate,
} from "../../src/claims";

const b64 = (s: string) => btoa(s);
const headers = (h: Record<string, string>) => new Headers(h);
const acrsC1 = '{"access_token":{"acrs":{"essential":true, "value":"c1"}}}';

describe("WWW-Authenticate parsing", () => {
  it("parses several schemes, quoted commas, escaped quotes and a JWT nonce", () => {
    const nbfClaims = '{"access_token":{"nbf":{"essential":true,"value":"1752041837"}}}';
    const header =
      `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ` +
      `client_id="00000003-0000-0000-c000-000000000000", ` +
      `error_description="Continuous access evaluation resulted in challenge, with result: InteractionRequired", ` +
      `error="insufficient_claims", claims="${b64(nbfClaims)}", ` +
      `PoP realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ` +
      `client_id="00000003-0000-0000-c000-000000000000", nonce="eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ0cyI6MTc1MjA0MTgzN30.c2ln"`;
    const challenges = parseWwwAuthenticate(header);
    expect(challenges.map((c) => c.scheme)).toEqual(["Bearer", "PoP"]);
    expect(challenges[0]?.params.error_description).toContain("challenge, with result");
    expect(challenges[0]?.params.error).toBe("insufficient_claims");
    expect(challenges[1]?.params.nonce).toMatch(/^eyJ0eXAi.+\.c2ln$/);
    expect(JSON.parse(claimsFromWwwAuthenticate(header) ?? "")).toEqual(JSON.parse(nbfClaims));
  });

  it("keys on claims= not on error= (ARM sends invalid_token), and accepts base64url without padding", () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c2"}}}';
    const urlSafe = b64(claims).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const header = `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="User session has been revoked", claims="${urlSafe}"`;
    expect(acrsInClaims(claimsFromWwwAuthenticate(header))).toEqual(["c2"]);
    expect(claimsFromWwwAuthenticate('Bearer realm="", error="insufficient_claims"')).toBeUndefined();
    expect(claimsFromWwwAuthenticate("Basic abc==, Bearer realm=x")).toBeUndefined();
    expect(parseWwwAuthenticate("Basic abc==")[0]?.token68).toBe("abc==");
  });

  it("detects a 401 header challenge", () => {
    const ch = parseClaimsChallenge(
      401,
      headers({ "WWW-Authenticate": `Bearer error="insufficient_claims", claims="${b64(acrsC1)}"` }),
      {
        error: { code: "InvalidAuthenticationToken", message: "x" },
      },
    );
    expect(ch?.acrs).toBe(true);
    expect(acrsInClaims(ch?.claims)).toEqual(["c1"]);
  });
});

describe("body-borne ACRS challenges", () => {
  it("plain code with URL-encoded claims (space after the comma)", () => {
    const body = {
      error: {
        code: "RoleAssignmentRequestAcrsValidationFailed",
        message: `Authentication context required.&claims=${encodeURIComponent(acrsC1)}`,
      },
    };
    const ch = parseClaimsChallenge(400, headers({}), body);
    expect(ch).toEqual({ acrs: true, claims: JSON.stringify(JSON.parse(acrsC1)) });
  });

  it("plain code with raw JSON claims (ARM, also on 403)", () => {
    const body = {
      error: {
        code: "RoleAssignmentRequestAcrsValidationFailed",
        message: `The request failed. claims=${acrsC1} Trace: 1`,
      },
    };
    expect(acrsInClaims(parseClaimsChallenge(403, headers({}), body)?.claims)).toEqual(["c1"]);
  });

  it("Graph UnknownError whose message is a JSON document wrapping the code", () => {
    const inner = JSON.stringify({
      errorCode: "RoleAssignmentRequestAcrsValidationFailed",
      message: `Authentication context required.&claims=${encodeURIComponent('{"access_token":{"acrs":{"essential":true, "value":"c2"}}}')}`,
    });
    const body = { error: { code: "UnknownError", message: inner } };
    const ch = parseClaimsChallenge(400, headers({}), body);
    expect(ch?.acrs).toBe(true);
    expect(acrsInClaims(ch?.claims)).toEqual(["c2"]);
  });

  it("names ACRS without readable claims: flagged so the policy's context can be used", () => {
    const body = {
      error: { code: "RoleAssignmentRequestAcrsValidationFailed", message: "Authentication context required." },
    };
    expect(parseClaimsChallenge(400, headers({}), body)).toEqual({ acrs: true, claims: undefined });
  });

  it("ignores other refusals", () => {
    expect(
      parseClaimsChallenge(400, headers({}), {
        error: { code: "RoleAssignmentRequestPolicyValidationFailed", message: "JustificationRule" },
      }),
    ).toBeUndefined();
    expect(parseClaimsChallenge(500, headers({}), {})).toBeUndefined();
  });
});

describe("claims requests", () => {
  it("one request for several contexts", () => {
    expect(JSON.parse(buildAcrsClaims(["c2", "c1", "c1"]) ?? "")).toEqual({
      access_token: { acrs: { essential: true, values: ["c1", "c2"] } },
    });
    expect(buildAcrsClaims([])).toBeUndefined();
  });

  it("merges a reactive challenge into the proactive request without losing contexts", () => {
    const merged = mergeClaims(
      buildAcrsClaims(["c1"]),
      '{"access_token":{"acrs":{"essential":true,"value":"c2"},"nbf":{"essential":true,"value":"1"}}}',
    );
    expect(JSON.parse(merged ?? "")).toEqual({
      access_token: { acrs: { essential: true, values: ["c1", "c2"] }, nbf: { essential: true, value: "1" } },
    });
    expect(mergeClaims(undefined, "not json")).toBeUndefined();
  });
});
