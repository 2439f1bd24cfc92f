// Placeholder contract of the sign-in surface; replaced by the real implementation.
import type { EmulatorContext } from "../context";
import type { Surface } from "../http/types";
import type { TokenVerifier } from "./types";

export interface IssueAccessTokenOptions {
  upn: string;
  /** Resource identifier: https://graph.microsoft.com or https://management.azure.com */
  audience: string;
  /** Scope names without the resource prefix (Graph) or `user_impersonation` (ARM). */
  scopes: string[];
  clientId?: string;
  amr?: string[];
  acrs?: string[];
  xmsCc?: string[];
  /** Seconds from the emulator clock's now; negative makes an expired token. */
  expiresInSeconds?: number;
  /** Sign with a key the emulator does not publish (forged token). */
  forge?: boolean;
  /** Override the tenant id (wrong tenant). */
  tenantId?: string;
}

export interface Entra {
  surface: Surface;
  verifier: TokenVerifier;
  /** Mints an access token directly (tests of the resource surfaces; never reachable over HTTP). */
  issueAccessToken(options: IssueAccessTokenOptions): Promise<string>;
  /** The JWKS document the emulator publishes. */
  jwks(): { keys: unknown[] };
}

export interface EntraOptions {
  /** Complete /authorize at once for this user, and approve device codes at the first poll. */
  autoSignIn?: string;
}

export async function createEntra(_ctx: () => EmulatorContext, _options: EntraOptions): Promise<Entra> {
  throw new Error("createEntra is not implemented yet");
}
