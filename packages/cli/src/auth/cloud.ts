import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { builtInClouds, type Cloud, isBuiltInCloudName, validateCloudFile } from "@pimkit/contracts";
import { UsageError } from "../framework/errors";

export interface ResolvedCloud {
  cloud: Cloud;
  /** `public`, `usgov`, `china`, or the absolute path of the cloud file. */
  ref: string;
}

/** `public | usgov | china | FILE`: a built-in name, or a cloud file (JSON) such as the local tenant writes. */
export async function resolveCloud(ref: string, cwd: string): Promise<ResolvedCloud> {
  const name = ref.trim();
  if (isBuiltInCloudName(name)) return { cloud: builtInClouds[name], ref: name };
  if (!/[/\\]/.test(name) && !/\.json$/i.test(name)) {
    throw new UsageError(
      `Unknown cloud "${name}".`,
      ["Use public, usgov, china, or the path of a cloud file."],
      "unknown_cloud",
    );
  }
  const path = isAbsolute(name) ? name : resolve(cwd, name);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(
      `Cannot read the cloud file ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}.`,
      [],
      "cloud_file_unreadable",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`The cloud file ${path} is not valid JSON.`, [], "cloud_file_invalid");
  }
  const { cloud, problems } = validateCloudFile(parsed);
  if (!cloud) {
    throw new UsageError(`The cloud file ${path} is not usable.`, problems, "cloud_file_invalid");
  }
  return { cloud, ref: path };
}
