import { openStores } from "../app/state";
import { resolveCloud } from "../auth/cloud";
import { defineCommand } from "../framework/command";
import { renderTable } from "../output/table";
import { checkConfigValue, configKey, configKeys } from "../state/config";

const keyList = Object.keys(configKeys).join(", ");

export const configGet = defineCommand({
  path: ["config", "get"],
  summary: "Print one setting",
  description: `Print the value of one setting from the config file (empty when unset). Settings: ${keyList}.`,
  args: [{ name: "key", required: true, description: `One of: ${keyList}.` }],
  flags: {},
  examples: [{ command: "pimkit config get cloud", description: "The default cloud" }],
  async run(ctx) {
    const key = configKey(ctx.args[0] ?? "");
    const doc = await openStores(ctx.io, ctx.deps).config.read();
    const value = doc.settings[configKeys[key].field] ?? null;
    return { data: value, table: () => (value === null ? "" : `${value}\n`) };
  },
});

export const configSet = defineCommand({
  path: ["config", "set"],
  summary: "Change one setting",
  description: `Set a default in the config file (a flag or environment variable still wins). Settings: ${keyList}.`,
  args: [
    { name: "key", required: true, description: `One of: ${keyList}.` },
    { name: "value", required: true, description: "The new value." },
  ],
  flags: {},
  examples: [
    {
      command: "pimkit config set token-cache file",
      description: "Keep tokens in a 0600 file (no OS secret store here)",
    },
    {
      command: "pimkit config set client-id 00000000-0000-0000-0000-000000000000",
      description: "Sign in with your own app registration",
    },
  ],
  async run(ctx) {
    const key = configKey(ctx.args[0] ?? "");
    let value = ctx.args[1] ?? "";
    checkConfigValue(key, value);
    if (key === "cloud") {
      value = (await resolveCloud(value, ctx.io.cwd)).ref;
    }
    await openStores(ctx.io, ctx.deps).config.update((doc) => ({
      value: { settings: { ...doc.settings, [configKeys[key].field]: value } },
      result: undefined,
    }));
    return { data: { key, value }, table: () => "" };
  },
});

export const configUnset = defineCommand({
  path: ["config", "unset"],
  summary: "Remove one setting",
  args: [{ name: "key", required: true, description: `One of: ${keyList}.` }],
  flags: {},
  examples: [{ command: "pimkit config unset tenant", description: "Forget the default tenant" }],
  async run(ctx) {
    const key = configKey(ctx.args[0] ?? "");
    await openStores(ctx.io, ctx.deps).config.update((doc) => {
      const settings = { ...doc.settings };
      delete settings[configKeys[key].field];
      return { value: { settings }, result: undefined };
    });
    return { data: { key, value: null }, table: () => "" };
  },
});

export const configList = defineCommand({
  path: ["config", "list"],
  summary: "List every setting",
  args: [],
  flags: {},
  examples: [{ command: "pimkit config list", description: "Every setting and its value" }],
  async run(ctx) {
    const stores = openStores(ctx.io, ctx.deps);
    const doc = await stores.config.read();
    const rows = Object.entries(configKeys).map(([key, spec]) => ({
      key,
      value: doc.settings[spec.field] ?? null,
      description: spec.description,
    }));
    return {
      data: rows,
      table: (style) =>
        `${renderTable(
          rows,
          [
            { header: "Key", value: (r) => r.key },
            { header: "Value", value: (r) => r.value ?? "(unset)" },
            { header: "Description", value: (r) => r.description },
          ],
          { color: style.color },
        )}\nConfig folder: ${stores.dir}\n`,
    };
  },
});
