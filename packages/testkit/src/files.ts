import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface FileEntry {
  path: string;
  /** Permission bits (`mode & 0o777`). */
  mode: number;
  dir: boolean;
}

/** Every file and folder under a directory (the directory first), with its permission bits. */
export function filesUnder(dir: string): FileEntry[] {
  const out: FileEntry[] = [{ path: dir, mode: statSync(dir).mode & 0o777, dir: true }];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else out.push({ path: p, mode: st.mode & 0o777, dir: false });
  }
  return out;
}
