import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Every file under `dir` (relative to `root`), as sorted root-relative paths with forward
 * slashes; none when the folder does not exist. node_modules is never walked; `skip` leaves out
 * further paths (and, for a folder, everything in it). The extraction and generator scripts share it.
 */
export function filesUnder(root: string, dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.name === 'node_modules' || skip(child)) continue;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  if (existsSync(path.join(root, dir))) walk(dir);
  return out.sort();
}
