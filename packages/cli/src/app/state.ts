import type { CliIo } from "../framework/io";
import { sanitizeText } from "../output/sanitize";
import { type ConfigBody, configDocument } from "../state/config";
import { JsonDocument, type StateHost } from "../state/document";
import { type HistoryBody, historyDocument } from "../state/history";
import { configDir } from "../state/paths";
import { type ProfilesBody, profilesDocument } from "../state/profiles";
import { type SessionBody, sessionDocument } from "../state/session";
import type { CliDeps } from "./deps";

export interface Stores {
  dir: string;
  config: JsonDocument<ConfigBody>;
  profiles: JsonDocument<ProfilesBody>;
  history: JsonDocument<HistoryBody>;
  session: JsonDocument<SessionBody>;
}

export function warn(io: CliIo, message: string): void {
  io.stderr.write(`pimkit: warning: ${sanitizeText(message)}\n`);
}

export function openStores(io: CliIo, deps: CliDeps): Stores {
  const dir = configDir(io.env, io.platform, io.homedir);
  const host: StateHost = { dir, now: deps.now, warn: (m) => warn(io, m) };
  return {
    dir,
    config: new JsonDocument(host, configDocument),
    profiles: new JsonDocument(host, profilesDocument),
    history: new JsonDocument(host, historyDocument),
    session: new JsonDocument(host, sessionDocument),
  };
}
