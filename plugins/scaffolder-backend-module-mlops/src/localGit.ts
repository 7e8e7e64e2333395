import fs from 'fs';
import path from 'path';
import git from 'isomorphic-git';
import { Config } from '@backstage/config';

/**
 * The events topic a push to a local repository is announced on.
 *
 * @public
 */
export const LOCAL_GIT_TOPIC = 'convergence.local-git.pushed';

/**
 * The folder of the local bare repositories (`scaffolder.localGit.baseDir`), if configured.
 *
 * @public
 */
export function localGitBaseDir(config: Config): string | undefined {
  const dir = config.getOptionalString('scaffolder.localGit.baseDir');
  return dir ? path.resolve(dir) : undefined;
}

/** Every file below `dir`, relative, without `.git`. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.promises.readdir(dir, {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter(entry => entry.isFile())
    .map(entry =>
      path
        .relative(dir, path.join(entry.parentPath, entry.name))
        .split(path.sep)
        .join('/'),
    )
    .filter(rel => !rel.split('/').includes('.git'))
    .sort();
}

/**
 * Commits `sourceDir` as the first commit of a new bare repository
 * `<baseDir>/<name>.git`. The repository is built in a temporary folder and
 * renamed into place, so it appears complete or not at all.
 */
export async function publishToLocalGit(options: {
  baseDir: string;
  name: string;
  sourceDir: string;
  defaultBranch: string;
  message: string;
  author: { name: string; email: string };
}): Promise<{ gitdir: string; commit: string; files: number }> {
  const { baseDir, name, sourceDir, defaultBranch } = options;
  await fs.promises.mkdir(baseDir, { recursive: true });
  const gitdir = path.join(baseDir, `${name}.git`);
  if (fs.existsSync(gitdir)) {
    throw new Error(
      `The repository ${name} already exists in ${baseDir}; choose another name`,
    );
  }
  const tmp = await fs.promises.mkdtemp(path.join(baseDir, `.${name}-`));
  try {
    await git.init({ fs, dir: sourceDir, gitdir: tmp, defaultBranch });
    const files = await listFiles(sourceDir);
    if (!files.length) throw new Error(`Nothing to publish in ${sourceDir}`);
    for (const filepath of files) {
      await git.add({ fs, dir: sourceDir, gitdir: tmp, filepath });
    }
    const commit = await git.commit({
      fs,
      dir: sourceDir,
      gitdir: tmp,
      message: options.message,
      author: options.author,
    });
    await git.setConfig({ fs, gitdir: tmp, path: 'core.bare', value: true });
    await fs.promises.rm(path.join(tmp, 'index'), { force: true });
    if (fs.existsSync(gitdir)) {
      throw new Error(
        `The repository ${name} already exists in ${baseDir}; choose another name`,
      );
    }
    await fs.promises.rename(tmp, gitdir);
    return { gitdir, commit, files: files.length };
  } catch (error) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** A file at the head of a local repository's default branch, or undefined. */
export async function readHeadFile(
  gitdir: string,
  filepath: string,
): Promise<string | undefined> {
  const oid = await git.resolveRef({ fs, gitdir, ref: 'HEAD' });
  try {
    const { blob } = await git.readBlob({ fs, gitdir, oid, filepath });
    return Buffer.from(blob).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') return undefined;
    throw error;
  }
}
