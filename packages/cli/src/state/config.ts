import { UsageError } from "../framework/errors";
import { outputFormats, tokenCacheModes } from "../framework/global-flags";
import { type DocumentSpec, is } from "./document";
import { fileNames } from "./paths";

/** Settings `pimkit config set` can change. Keys are dash-case on the command line, camelCase in the file. */
export const configKeys = {
  cloud: {
    field: "cloud",
    description: "Default cloud: public, usgov, china or a cloud file path.",
    choices: undefined,
  },
  tenant: { field: "tenant", description: "Default tenant id or domain.", choices: undefined },
  "client-id": { field: "clientId", description: "Default public client (application) id.", choices: undefined },
  "token-cache": {
    field: "tokenCache",
    description: "Where tokens are kept: keyring, file or memory.",
    choices: tokenCacheModes,
  },
  output: { field: "output", description: "Default output format.", choices: outputFormats },
} as const satisfies Record<string, { field: string; description: string; choices: readonly string[] | undefined }>;

export type ConfigKey = keyof typeof configKeys;
export type ConfigField = (typeof configKeys)[ConfigKey]["field"];
export type Settings = Partial<Record<ConfigField, string>>;

export interface ConfigBody {
  settings: Settings;
}

const fields = new Set<string>(Object.values(configKeys).map((k) => k.field));

export const configDocument: DocumentSpec<ConfigBody> = {
  file: fileNames.config,
  version: 1,
  strictPermissions: true,
  empty: () => ({ settings: {} }),
  validate(doc) {
    if (!is.object(doc.settings)) return { ok: false, problem: "settings must be an object" };
    const settings: Settings = {};
    for (const [k, v] of Object.entries(doc.settings)) {
      if (!fields.has(k)) return { ok: false, problem: `unknown setting ${k}` };
      if (!is.string(v)) return { ok: false, problem: `setting ${k} must be a string` };
      settings[k as ConfigField] = v;
    }
    return { ok: true, value: { settings } };
  },
};

export function configKey(name: string): ConfigKey {
  if (Object.hasOwn(configKeys, name)) return name as ConfigKey;
  throw new UsageError(
    `Unknown setting "${name}".`,
    [`Settings: ${Object.keys(configKeys).join(", ")}`],
    "unknown_setting",
  );
}

export function checkConfigValue(key: ConfigKey, value: string): void {
  const choices: readonly string[] | undefined = configKeys[key].choices;
  if (choices && !choices.includes(value)) {
    throw new UsageError(`${key} must be one of ${choices.join(", ")} (got "${value}").`);
  }
  if (value.trim() === "") throw new UsageError(`${key} must not be empty.`);
}
