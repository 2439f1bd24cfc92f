import { type ICachePlugin, LogLevel, PublicClientApplication } from "@azure/msal-node";
import type { CliIo } from "../framework/io";
import type { CloudTransport } from "./https";

/**
 * Everything that loads MSAL. A command whose tokens are all in the cache never imports this
 * module (MSAL and its dependencies are the largest part of the CLI's start-up).
 */

function msalLogLevel(io: CliIo): LogLevel {
  return io.env.PIMKIT_DEBUG?.split(",").includes("msal") ? LogLevel.Info : LogLevel.Error;
}

export interface MsalAppOptions {
  io: CliIo;
  clientId: string;
  authority: string;
  /** Sign-in metadata of a cloud file (built-in clouds are known to MSAL). */
  metadata:
    | { knownAuthorities: string[]; authorityMetadata: string; cloudDiscoveryMetadata: string }
    | Record<string, never>;
  plugin: ICachePlugin | undefined;
  transport: CloudTransport;
}

export function createMsalApp(o: MsalAppOptions): PublicClientApplication {
  const level = msalLogLevel(o.io);
  return new PublicClientApplication({
    auth: {
      clientId: o.clientId,
      authority: o.authority,
      clientCapabilities: ["cp1"],
      ...o.metadata,
    },
    ...(o.plugin ? { cache: { cachePlugin: o.plugin } } : {}),
    system: {
      networkClient: o.transport.networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: level,
        loggerCallback: (_level, message, containsPii) => {
          if (!containsPii && level !== LogLevel.Error) o.io.stderr.write(`msal: ${message}\n`);
        },
      },
    },
  });
}
