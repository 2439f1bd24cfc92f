/**
 * Every environment variable pimkit reads, in one typed list (`pimkit help environment` prints
 * it). Precedence everywhere: flag > environment > config file > signed-in session > default.
 */
export interface EnvVarSpec {
  name: string;
  description: string;
  values?: string;
}

export const environmentVariables = [
  {
    name: "PIMKIT_TENANT",
    values: "tenant id or domain",
    description: "Tenant to sign in to and act in (like --tenant).",
  },
  {
    name: "PIMKIT_CLIENT_ID",
    values: "application (client) id",
    description: "Public client app registration to sign in with (like --client-id).",
  },
  {
    name: "PIMKIT_CLOUD",
    values: "public | usgov | china | path to a cloud file",
    description: "Cloud to talk to (like --cloud). A cloud file may carry its own CA, trusted for that cloud only.",
  },
  {
    name: "PIMKIT_CONFIG_DIR",
    values: "directory",
    description:
      "Where config, profiles, history and the token cache live (default: $XDG_CONFIG_HOME/pimkit, ~/.config/pimkit, %APPDATA%\\pimkit).",
  },
  {
    name: "PIMKIT_TOKEN_CACHE",
    values: "keyring | file | memory",
    description:
      "Where tokens are kept (like --token-cache): the OS secret store (default), a 0600 file (explicit opt-in), or memory only.",
  },
  {
    name: "PIMKIT_DEBUG",
    values: "api",
    description: "Print a trace of every HTTP request on stderr (tokens, codes and claims redacted).",
  },
  { name: "NO_COLOR", values: "any value", description: "Turn colour off." },
  {
    name: "BROWSER",
    values: "program",
    description:
      "Program that opens the sign-in page (the URL is its last argument, or replaces %s). When set, a sign-in may also run without a terminal.",
  },
  { name: "CI", values: "true", description: "Never prompt (as without a terminal)." },
] as const satisfies readonly EnvVarSpec[];

export type EnvVarName = (typeof environmentVariables)[number]["name"];
