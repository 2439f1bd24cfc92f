import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root, found by walking up to the workspace manifest: the bench runs both from
 * its sources (vitest) and from a bundle elsewhere in the tree (`npm run bench`).
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
        if (Array.isArray(parsed.workspaces)) return dir;
      } catch {
        // Not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("the bench must run inside the pimkit repository");
    dir = parent;
  }
}

export const repoRoot = findRoot();

export function repoPath(...parts: string[]): string {
  return resolve(repoRoot, ...parts);
}
