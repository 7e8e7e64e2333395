import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PlatformApiClient,
  PlatformApiError,
  readHttpUrl,
} from '@convergence/backstage-plugin-mlops-node';
import { parseStrictEntityRef } from '../inputs';

/** A registered model name: what MLflow and a URL path take without escaping surprises. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const MODEL_NAME_RULE =
  'name must start with a letter or digit and use letters, digits, ".", "_" or "-"';
/**
 * An MLflow tag key (MLflow's rules: letters, digits, "_", "-", ".", ":",
 * " " and "/", at most 250, no absolute or "."/".." path), here without
 * spaces and with every "/"-separated part starting with a letter, digit or "_".
 */
const TAG_KEY =
  /^(?=.{1,250}$)[A-Za-z0-9_][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_][A-Za-z0-9_.:-]*)*$/;
/** The tag the MLflow provider reads the owner from: a group or user. */
const OWNER_TAG = 'owner';

/**
 * `mlflow:model:register`: creates a registered model in MLflow when
 * `scaffolder.mlflow.baseUrl` is configured; otherwise it logs that it skips.
 *
 * @public
 */
export function createMlflowRegisterAction(options: {
  config: Config;
  /** Options of the HTTP client, e.g. no backoff waits in tests. */
  client?: Partial<ConstructorParameters<typeof PlatformApiClient>[0]>;
}) {
  // Refused at start-up: not an http(s) URL, or a user:pass@ in it.
  const baseUrl = readHttpUrl(options.config, 'scaffolder.mlflow.baseUrl');
  const uiUrl =
    readHttpUrl(options.config, 'scaffolder.mlflow.uiUrl') ?? baseUrl;
  const client =
    baseUrl &&
    new PlatformApiClient({
      baseUrl,
      token: options.config.getOptionalString('scaffolder.mlflow.token'),
      ...options.client,
    });
  return createTemplateAction({
    id: 'mlflow:model:register',
    description:
      'Registers a model in the MLflow model registry (scaffolder.mlflow.baseUrl); skipped when no MLflow is configured.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register the model the new pipeline will train',
        example: `steps:
  - id: mlflow
    action: mlflow:model:register
    input:
      name: \${{ parameters.modelName }}
      description: Trained by \${{ parameters.name }}
      tags:
        owner: \${{ parameters.owner }}`,
      },
    ],
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(MODEL_NAME, MODEL_NAME_RULE)
            .describe('The registered model name'),
        description: z => z.string().optional(),
        tags: z =>
          z
            .record(z.string().regex(TAG_KEY), z.string().max(5000))
            .optional()
            .describe(
              "Tags on the registered model; `owner` (a group or user reference) becomes the Model's owner in the catalog",
            ),
      },
      output: {
        registered: z => z.boolean(),
        modelUrl: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { name, description, tags } = ctx.input;
      // The runner checks the input against the JSON schema only; check again
      // here, naming the bad value.
      if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
        throw new InputError(`${MODEL_NAME_RULE}: ${JSON.stringify(name)}`);
      }
      for (const [key, value] of Object.entries(tags ?? {})) {
        if (!TAG_KEY.test(key)) {
          throw new InputError(
            `tags: ${JSON.stringify(key)} is not a valid MLflow tag key`,
          );
        }
        if (typeof value !== 'string' || value.length > 5000) {
          throw new InputError(
            `tags.${key} must be a string of at most 5000 characters`,
          );
        }
      }
      if (tags?.[OWNER_TAG] !== undefined) {
        parseStrictEntityRef(tags[OWNER_TAG], {
          field: `tags.${OWNER_TAG}`,
          kinds: ['group', 'user'],
          defaultKind: 'group',
        });
      }
      if (!client) {
        ctx.logger.info(
          `No MLflow configured (scaffolder.mlflow.baseUrl); not registering ${name}`,
        );
        ctx.output('registered', false);
        return;
      }
      const modelUrl = `${uiUrl!.replace(
        /\/+$/,
        '',
      )}/#/models/${encodeURIComponent(name)}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would register ${name} in MLflow at ${baseUrl}`,
        );
        ctx.output('registered', false);
        ctx.output('modelUrl', modelUrl);
        return;
      }
      await ctx.checkpoint({
        key: `mlflow.register.${name}`,
        fn: async () => {
          try {
            await client.post('/api/2.0/mlflow/registered-models/create', {
              name,
              description,
              tags: Object.entries(tags ?? {}).map(([key, value]) => ({
                key,
                value,
              })),
            });
          } catch (error) {
            if (
              error instanceof PlatformApiError &&
              error.message.includes('RESOURCE_ALREADY_EXISTS')
            ) {
              throw new Error(
                `A model named ${name} is already registered in MLflow; choose another name`,
              );
            }
            throw error;
          }
        },
      });
      ctx.logger.info(`Registered ${name} in MLflow: ${modelUrl}`);
      ctx.output('registered', true);
      ctx.output('modelUrl', modelUrl);
    },
  });
}
