import type { FlagSpecs } from "./command";

export const outputFormats = ["table", "json", "jsonc", "tsv", "yaml", "none"] as const;
export const tokenCacheModes = ["keyring", "file", "memory"] as const;

/** Accepted by every command, anywhere on the line. */
export const globalFlags = {
  output: {
    type: "string",
    short: "o",
    valueName: "FORMAT",
    choices: outputFormats,
    description: "Output format: table (default), json, jsonc, tsv, yaml or none.",
  },
  json: { type: "boolean", description: "Shorthand for --output json." },
  query: { type: "string", valueName: "JMESPATH", description: "JMESPath query applied to the output data." },
  cloud: {
    type: "string",
    valueName: "NAME|FILE",
    description: "Cloud: public, usgov, china, or a cloud file (env PIMKIT_CLOUD).",
  },
  tenant: { type: "string", valueName: "TENANT", description: "Tenant id or domain (env PIMKIT_TENANT)." },
  "client-id": {
    type: "string",
    valueName: "CLIENT_ID",
    description: "Application (client) id of the public client to sign in with (env PIMKIT_CLIENT_ID).",
  },
  "token-cache": {
    type: "string",
    valueName: "MODE",
    choices: tokenCacheModes,
    description: "Where tokens are kept: keyring (default), file (0600 file, explicit opt-in) or memory.",
  },
  help: { type: "boolean", short: "h", description: "Show help for the command." },
} as const satisfies FlagSpecs;

export type GlobalFlagName = keyof typeof globalFlags;
