import type { ErrorInfo } from "@pimkit/core";
import { useState } from "react";

/** Shown until the user is signed in. Sign-in starts only when asked: no automatic redirect loop. */
export function SignInScreen({
  onSignIn,
  error,
  cloudName,
}: {
  onSignIn: () => Promise<void>;
  error: ErrorInfo | null;
  cloudName: string;
}) {
  const [starting, setStarting] = useState(false);
  return (
    <main id="main" className="sign-in">
      <div className="card sign-in-card">
        <h1>
          <span className="logo" aria-hidden="true">
            ◆
          </span>{" "}
          pimkit
        </h1>
        <p>
          Activate your Privileged Identity Management roles — Entra roles, PIM for Groups and Azure resources — in one
          place.
        </p>
        {error ? (
          <p className="error" role="alert" data-error-code={error.code}>
            Sign-in did not complete: {error.message}
          </p>
        ) : null}
        <button
          type="button"
          className="primary large"
          disabled={starting}
          onClick={() => {
            setStarting(true);
            onSignIn().catch(() => setStarting(false));
          }}
        >
          {starting ? "Redirecting…" : "Sign in"}
        </button>
        <p className="muted small">
          Cloud: {cloudName}. Tokens stay in this tab (sessionStorage) and are never sent anywhere else.
        </p>
      </div>
    </main>
  );
}

export function BootstrapError({ message }: { message: string }) {
  return (
    <main id="main" className="sign-in">
      <div className="card sign-in-card">
        <h1>pimkit</h1>
        <p className="error" role="alert">
          The portal could not start: {message}
        </p>
      </div>
    </main>
  );
}
