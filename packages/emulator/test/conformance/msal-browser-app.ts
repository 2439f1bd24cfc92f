/**
 * The tiny single-page app of the msal-browser conformance test, bundled with esbuild at test
 * time. Unmodified @azure/msal-browser, configured as a SPA against the local tenant; the test
 * drives it through `window.pimkitTest`.
 */
import { type AuthenticationResult, PublicClientApplication } from "@azure/msal-browser";

interface PageConfig {
  clientId: string;
  authority: string;
  knownAuthority: string;
  scopes: string[];
}

export interface PimkitTestApi {
  /** The result handleRedirectPromise produced on this page load (null when none). */
  redirectResult: { accessToken: string; idToken: string; username: string } | null;
  login(): Promise<void>;
  stepUp(claims: string): Promise<void>;
  silent(claims?: string): Promise<{ accessToken: string; fromCache: boolean }>;
}

declare global {
  interface Window {
    pimkitTest?: PimkitTestApi;
    pimkitError?: string;
  }
}

function summary(result: AuthenticationResult | null): PimkitTestApi["redirectResult"] {
  if (!result) return null;
  return { accessToken: result.accessToken, idToken: result.idToken, username: result.account?.username ?? "" };
}

async function main(): Promise<void> {
  const element = document.getElementById("config");
  const config = JSON.parse(element?.textContent ?? "{}") as PageConfig;
  const pca = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: [config.knownAuthority],
      redirectUri: `${location.origin}/`,
      clientCapabilities: ["cp1"],
    },
    cache: { cacheLocation: "sessionStorage" },
  });
  await pca.initialize();
  const result = await pca.handleRedirectPromise();
  const account = () => {
    const accounts = pca.getAllAccounts();
    const first = accounts[0];
    if (!first) throw new Error("no signed-in account");
    return first;
  };
  window.pimkitTest = {
    redirectResult: summary(result),
    login: () => pca.loginRedirect({ scopes: config.scopes }),
    stepUp: (claims) => pca.acquireTokenRedirect({ scopes: config.scopes, claims, account: account() }),
    async silent(claims) {
      const r = await pca.acquireTokenSilent({
        scopes: config.scopes,
        account: account(),
        ...(claims ? { claims } : {}),
      });
      return { accessToken: r.accessToken, fromCache: r.fromCache };
    },
  };
}

main().catch((error: unknown) => {
  window.pimkitError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
});
