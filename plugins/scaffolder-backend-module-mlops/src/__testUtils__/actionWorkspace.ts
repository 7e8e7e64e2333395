import fs from 'fs';
import os from 'os';
import path from 'path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/**
 * A temporary folder for each test (the jest hooks are registered by this
 * call; the folder is removed after the test), with a scaffolder workspace
 * in it, and a runner for actions on that workspace.
 */
export function useActionWorkspace(prefix: string) {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const workspacePath = () => path.join(tmp, 'workspace');

  return {
    /** The running test's temporary folder. */
    tmp: () => tmp,
    /** Creates the workspace holding the given files; returns its path. */
    write(files: Record<string, string>) {
      const dir = workspacePath();
      fs.mkdirSync(dir, { recursive: true });
      for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), content);
      }
      return dir;
    },
    /** Runs an action with the scaffolder's mock action context; returns its outputs. */
    async run(
      action: any,
      input: object,
      options: { isDryRun?: boolean } = {},
    ) {
      const ctx = createMockActionContext({
        input: input as any,
        workspacePath: workspacePath(),
      });
      if (options.isDryRun) ctx.isDryRun = true;
      await action.handler(ctx);
      return Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
    },
  };
}
