/**
 * A stand-in for the browser msal-node's `acquireTokenInteractive` opens: it completes the sign-in
 * over HTTP and delivers the answer to the app's loopback listener the way a browser would
 * (the form_post POST msal-node 7 expects, or a GET for query answers).
 */

import type { EmulatorEndpoint } from "./credential";
import { type CompleteSignInOptions, completeSignInPage, type FetchLike } from "./sign-in-page";

export interface HeadlessBrowserOptions extends Omit<CompleteSignInOptions, "upn" | "fetch"> {
  /** Reaches the app's loopback listener (default: the global fetch). */
  deliver?: FetchLike;
  /** Reaches the emulator (default: its in-process fetch). */
  fetch?: FetchLike;
}

export function headlessOpenBrowser(
  emu: Pick<EmulatorEndpoint, "fetch">,
  upn: string,
  options: HeadlessBrowserOptions = {},
): (url: string) => Promise<void> {
  const deliver = options.deliver ?? globalThis.fetch;
  return async (url: string) => {
    const { deliver: _deliver, fetch: emulatorFetch, ...signIn } = options;
    const answer = await completeSignInPage(url, { ...signIn, upn, fetch: emulatorFetch ?? emu.fetch });
    if (answer.mode === "form_post") {
      const res = await deliver(answer.redirectUri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: answer.params.toString(),
      });
      await res.arrayBuffer();
      return;
    }
    if (answer.mode === "query") {
      const target = new URL(answer.redirectUri);
      for (const [k, v] of answer.params) target.searchParams.append(k, v);
      const res = await deliver(target.toString());
      await res.arrayBuffer();
      return;
    }
    throw new Error("a fragment answer cannot be delivered without a browser");
  };
}
