/**
 * Bearer validation as ARM answers it: 401 with ARM's own codes and messages and a
 * `WWW-Authenticate: Bearer authorization_uri=…, error="invalid_token", error_description=…`
 * challenge; ARM also accepts the legacy `https://management.core.windows.net/` audience.
 */
import { decodeJwt } from "jose";
import type { EmulatorContext } from "../context";
import type { AccessTokenClaims } from "../entra/types";
import type { EmuRequest } from "../http/types";
import { ArmError, armAudiences, armErrors } from "./errors";

function unverifiedClaims(authorization: string | undefined): Record<string, unknown> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!token) return {};
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function authenticate(req: EmuRequest, ctx: EmulatorContext): Promise<AccessTokenClaims> {
  const authorization = req.headers.authorization;
  let check = await ctx.tokens.verify(authorization, "https://management.azure.com");
  if (!check.ok && check.failure === "wrong_audience") {
    const aud = unverifiedClaims(authorization).aud;
    if (
      typeof aud === "string" &&
      (armAudiences as readonly string[]).includes(aud) &&
      aud !== "https://management.azure.com"
    ) {
      check = await ctx.tokens.verify(authorization, aud);
    }
  }
  if (check.ok) {
    if (!check.claims.scp.some((s) => s.toLowerCase() === "user_impersonation")) throw armErrors.missingScope();
    return check.claims;
  }
  const claims = unverifiedClaims(authorization);
  switch (check.failure) {
    case "missing":
      throw armErrors.missingAuthorization();
    case "expired": {
      const exp = typeof claims.exp === "number" ? new Date(claims.exp * 1000) : ctx.clock.now();
      throw armErrors.expiredToken(exp, ctx.clock.now());
    }
    case "wrong_audience":
      throw armErrors.wrongAudience(typeof claims.aud === "string" ? claims.aud : "");
    case "wrong_issuer":
    case "wrong_tenant": {
      const tid = ctx.state.tenant.id;
      throw armErrors.wrongIssuer(
        typeof claims.iss === "string" ? claims.iss : "",
        // Resource tokens carry the v1 issuer, as Entra's do; sign-in happens at the emulator.
        `https://sts.windows.net/${tid}/`,
        `${ctx.publicBase}/${tid}`,
      );
    }
    case "malformed":
    case "bad_signature":
    case "not_yet_valid":
      throw armErrors.invalidToken();
    default:
      throw new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.");
  }
}
