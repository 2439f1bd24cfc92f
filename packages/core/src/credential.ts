/**
 * The token source, in the @azure/core-auth `TokenCredential` shape (declared here so the core has
 * no runtime dependency on it). MSAL-backed credentials in the CLI and the portal implement it.
 */
export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
  tokenType?: "Bearer" | "pop";
}

export interface GetTokenOptions {
  /** A claims request (JSON text, not base64) to satisfy: step-up for authentication contexts or a CAE challenge. */
  claims?: string;
  abortSignal?: AbortSignal;
  tenantId?: string;
  enableCae?: boolean;
  /**
   * The token last returned for these scopes was refused (401) or must not be reused: return a newly
   * issued one, not a cached one. Credentials that cannot tell may ignore it.
   */
  forceRefresh?: boolean;
}

export interface TokenCredential {
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}
