import { Config } from '@backstage/config';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  GIT_BRANCH_NAME_PATTERN,
  gitBranchNameProblem,
} from '../gitBranchName';
import {
  LOCAL_GIT_TOPIC,
  localGitBaseDir,
  publishToLocalGit,
} from '../localGit';

/**
 * `publish:local-git`: publishes the workspace as a new bare Git repository
 * under `scaffolder.localGit.baseDir`, so that templates run end to end
 * without an SCM account. The local-git catalog provider then reads the
 * repository's catalog-info.yaml into the catalog.
 *
 * @public
 */
export function createPublishLocalGitAction(options: {
  config: Config;
  events?: EventsService;
}) {
  return createTemplateAction({
    id: 'publish:local-git',
    description:
      'Publishes the workspace as a new bare Git repository under scaffolder.localGit.baseDir (isomorphic-git; no SCM account needed).',
    supportsDryRun: true,
    examples: [
      {
        description: 'Publish the generated project',
        example: `steps:
  - id: publish
    action: publish:local-git
    input:
      repoName: \${{ parameters.name }}
      description: \${{ parameters.description }}`,
      },
    ],
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(
              /^[a-z0-9][a-z0-9-]{1,62}$/,
              'repoName must be 2–63 lower-case letters, digits or "-", starting with a letter or digit',
            )
            .describe('Name of the new repository'),
        description: z => z.string().optional(),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe('Sub-folder of the workspace to publish'),
        defaultBranch: z =>
          z
            .string()
            .regex(
              GIT_BRANCH_NAME_PATTERN,
              'defaultBranch must be a git branch name (the rules of git check-ref-format --branch)',
            )
            .default('main')
            .describe(
              'The branch of the first commit: a git branch name such as main or release/1.2 (no spaces or control characters, no ~ ^ : ? * [ \\, "..", "@{" or "//", not starting with "-" or "/", no part starting with "." or ending with ".lock", not ending with "/" or ".", not "@" or "HEAD")',
            ),
      },
      output: {
        remoteUrl: z => z.string(),
        repoContentsUrl: z => z.string(),
        commitHash: z => z.string(),
        defaultBranch: z => z.string(),
      },
    },
    async handler(ctx) {
      const baseDir = localGitBaseDir(options.config);
      if (!baseDir) {
        throw new Error(
          'publish:local-git needs scaffolder.localGit.baseDir in app-config.yaml',
        );
      }
      const { repoName } = ctx.input;
      const defaultBranch = ctx.input.defaultBranch ?? 'main';
      // The scaffolder checks the schema's pattern; callers that skip it
      // get the rule that was broken.
      const problem = gitBranchNameProblem(defaultBranch);
      if (problem) {
        throw new InputError(
          `defaultBranch ${JSON.stringify(
            defaultBranch,
          )} is not a git branch name: ${problem}`,
        );
      }
      const sourceDir = ctx.input.sourcePath
        ? resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath)
        : ctx.workspacePath;
      const remoteUrl = `file://${baseDir}/${repoName}.git`;
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', `${remoteUrl}#${defaultBranch}`);
      ctx.output('defaultBranch', defaultBranch);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would publish to ${remoteUrl}`);
        ctx.output('commitHash', '0000000000000000000000000000000000000000');
        return;
      }
      const user = ctx.user?.entity;
      const { commit, files } = await publishToLocalGit({
        baseDir,
        name: repoName,
        sourceDir,
        defaultBranch,
        message: ctx.input.description
          ? `Initial commit: ${ctx.input.description}`
          : 'Initial commit from a Convergence template',
        author: {
          name:
            user?.metadata.title ??
            user?.metadata.name ??
            'Convergence scaffolder',
          email:
            (user?.spec as { profile?: { email?: string } } | undefined)
              ?.profile?.email ?? 'scaffolder@convergence.invalid',
        },
      });
      ctx.logger.info(`Published ${files} files to ${remoteUrl} (${commit})`);
      ctx.output('commitHash', commit);
      await options.events?.publish({
        topic: LOCAL_GIT_TOPIC,
        eventPayload: { repository: repoName },
      });
    },
  });
}
