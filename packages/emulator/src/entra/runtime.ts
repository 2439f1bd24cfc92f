/** What every handler of the sign-in surface shares. */
import type { EmulatorContext } from "../context";
import type { EmuRequest } from "../http/types";
import { type ErrorIds, errorIds } from "./errors";
import type { GrantStore } from "./grants";
import type { SigningKeys } from "./keys";
import type { TokenService } from "./tokens";

export interface EntraRuntime {
  ctx: () => EmulatorContext;
  store: GrantStore;
  keys: SigningKeys;
  tokens: TokenService;
  /** The upn that signs in without a page, when set. */
  autoSignIn(): string | undefined;
}

export function idsFor(rt: EntraRuntime, req: EmuRequest): ErrorIds {
  const c = rt.ctx();
  return errorIds(req, c.clock.now(), () => c.newId());
}

/** Name of the cookie that carries the sign-in pages' CSRF secret (double submit). */
export const csrfCookie = "pimkit_signin_csrf";

export const pendingSignInLifetimeMs = 15 * 60 * 1000;
export const codeLifetimeMs = 10 * 60 * 1000;
export const deviceCodeLifetimeSeconds = 900;
export const refreshLifetimeMs = 90 * 24 * 60 * 60 * 1000;
export const spaRefreshLifetimeMs = 24 * 60 * 60 * 1000;
