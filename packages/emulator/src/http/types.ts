/**
 * The emulator's own request/response shapes. Both transports (the HTTPS server and the
 * in-process `fetch`) turn what they receive into an `EmuRequest`, hand it to `dispatch`, and
 * write the `EmuResponse` back. Surfaces (entra, graph, arm, admin) never see Node's http objects.
 */
export interface EmuRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Absolute URL as the client addressed it, rebuilt on the emulator's public base. */
  readonly url: URL;
  /** `url.pathname`, still percent-encoded. */
  readonly path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Raw body bytes (empty for GET). */
  readonly body: Uint8Array;
  /** Unique id of this request in the log (also sent back as `request-id` / `x-ms-request-id`). */
  readonly requestId: string;
  /** Body as UTF-8 text. */
  text(): string;
}

export interface EmuResponse {
  status: number;
  /** Header names as they should be written (any case); values as strings. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** A surface answers a request it owns, or returns undefined when the path is not its own. */
export type Surface = (req: EmuRequest) => Promise<EmuResponse | undefined> | EmuResponse | undefined;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(body),
  };
}

export function empty(status: number, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers };
}

export function html(status: number, body: string, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { "Content-Type": "text/html; charset=utf-8", ...headers }, body };
}

/** Case-insensitive header lookup on a response's headers. */
export function responseHeader(res: EmuResponse, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(res.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
}
