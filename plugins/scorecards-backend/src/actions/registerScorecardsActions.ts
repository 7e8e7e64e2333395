import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { ScorecardQueries } from '../service/ScorecardQueries';
import {
  entityRefInput,
  exemptionActionInput,
  ownerInput,
  parseInput,
  teamSummaryInput,
} from '../service/inputs';
import { exemption, scorecardResult, summary, Zod } from './schemas';

/*
 * The input schemas below describe the input to agents and check its types;
 * each action then reads it with the REST routes' own validation (zod v4,
 * ../service/inputs), so both refuse the same values naming the same field,
 * and calls the ScorecardQueries method its route calls, with the caller's
 * credentials.
 */

const entityRefField = (z: Zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The entity, as kind:namespace/name, e.g. model:default/fraud-detector',
    );

/** The input of an action on one entity. */
const oneEntity = (z: Zod) => z.object({ entityRef: entityRefField(z) });

/** An entity's results, as its routes answer them. */
const entityResults = (z: Zod) =>
  z.object({ entityRef: z.string(), results: z.array(scorecardResult(z)) });

const ownerField = (z: Zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The team, as a group ref, e.g. group:default/ml-platform; kind and namespace default to group and default',
    );

/** The entity an action input names (full and lower-case), or an InputError naming the field. */
const entityOf = (input: { entityRef: string }) =>
  parseEntityRef(parseInput(entityRefInput, input, 'input').entityRef);

/** The caller, if a user; a NotAllowedError for anything else (e.g. a static token's service principal). */
function asUser(
  auth: AuthService,
  credentials: BackstageCredentials,
  what: string,
): BackstageCredentials<BackstageUserPrincipal> {
  if (!auth.isPrincipal(credentials, 'user'))
    throw new NotAllowedError(
      `Only a signed-in user may ${what}; these credentials are not a user's`,
    );
  return credentials;
}

/**
 * Registers the scorecards' actions (ids `scorecards:<name>`): reads of an
 * entity's scorecard, a team's summary and what it should fix next, and the
 * writes an owner may do (request an exemption, grade an entity again).
 */
export function registerScorecardsActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  queries: ScorecardQueries;
}) {
  const { actionsRegistry, auth, queries } = options;

  actionsRegistry.register({
    name: 'get-entity-scorecard',
    title: "Get an entity's scorecards",
    description: `The latest scorecard results of one catalog entity (a model, dataset, pipeline or service): per scorecard its level (e.g. Bronze, Silver, Gold), its score from 0 to 1 and every check's status with a message, plus the entity's exemptions.
The same answer as GET /api/scorecards/entities/:kind/:namespace/:name. An entity the caller may not read is not found.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: oneEntity,
      output: z =>
        entityResults(z)
          .extend({ exemptions: z.array(exemption(z)) })
          .passthrough(),
    },
    action: async ({ input, credentials }) => ({
      output: await queries.getEntityResults(entityOf(input), credentials),
    }),
  });

  actionsRegistry.register({
    name: 'get-team-summary',
    title: "Get a team's scorecard summary",
    description: `A team's scorecard summary, the groups below it included: per scorecard how many of its entities are at each level, the mean score, the failing checks that affect the most entities, and the daily trend of the mean score over the last \`days\` days (default 90).
The same answer as GET /api/scorecards/summary?owner=...&days=...; only entities the caller may read count.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          owner: ownerField(z),
          days: z
            .number()
            .int()
            .min(1)
            .max(730)
            .optional()
            .describe('Days of trend, 1 to 730; default 90'),
        }),
      output: summary,
    },
    action: async ({ input, credentials }) => {
      const query = parseInput(teamSummaryInput, input, 'input');
      return { output: await queries.getSummary(query, credentials) };
    },
  });

  actionsRegistry.register({
    name: 'what-to-fix-next',
    title: 'What a team should fix next',
    description: `The failing scorecard checks of a team (the groups below it included), ranked as the team's ownership page ranks them: the checks affecting the most entities first (the failing ones and those downstream of them in the lineage), then those failing most often.
Each with why it matters, how to fix it, and up to 10 of the failing entities (those with the most downstream first). Only entities the caller may read count.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          owner: ownerField(z),
          limit: z
            .number()
            .int()
            .min(1)
            .max(50)
            .default(10)
            .describe('How many checks at most, 1 to 50'),
        }),
      output: z =>
        z.object({
          owner: z.string().describe('The team, as a full group ref'),
          items: z.array(
            z.object({
              scorecardId: z.string(),
              checkId: z.string(),
              title: z.string(),
              why: z.string(),
              howToFix: z.string(),
              failing: z
                .number()
                .describe("The team's entities failing the check"),
              affects: z
                .number()
                .describe('Those and the entities downstream of them'),
              entities: z
                .array(z.string())
                .describe('Up to 10 of the failing entities'),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const { owner } = parseInput(ownerInput, input, 'input');
      return {
        output: await queries.whatToFixNext(
          { owner, limit: input.limit },
          credentials,
        ),
      };
    },
  });

  actionsRegistry.register({
    name: 'request-exemption',
    title: 'Exempt an entity from a scorecard check',
    description: `Exempts one entity from one scorecard check until a date, with a reason: the check then counts as exempt instead of failing. Audited with the caller as author.
Needs the scorecards.exemption.manage permission on the entity (its owners have it) and a signed-in user's credentials. The same as POST /api/scorecards/entities/:kind/:namespace/:name/exemptions.`,
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(z),
          checkId: z
            .string()
            .min(1)
            .describe('The check, e.g. model-monitoring-link'),
          reason: z
            .string()
            .min(1)
            .describe(
              'Why the entity may skip the check (3 characters or more)',
            ),
          expiresAt: z
            .string()
            .datetime({ offset: true })
            .describe(
              'When the exemption stops counting: an ISO 8601 date-time in the future, e.g. 2027-03-31T00:00:00Z',
            ),
        }),
      output: z => z.object({ exemption: exemption(z) }),
    },
    action: async ({ input, credentials }) => {
      const user = asUser(auth, credentials, 'request an exemption');
      const ref = entityOf(input);
      const { entityRef: _, ...body } = parseInput(
        exemptionActionInput,
        input,
        'input',
      );
      return {
        output: {
          exemption: await queries.createExemption(ref, body, user),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'refresh-entity-scorecard',
    title: "Grade an entity's scorecards again",
    description: `Grades one entity now, instead of at the next scheduled pass, and returns its new results (e.g. after fixing a failing check).
Needs the scorecards.entity.refresh permission on the entity (its owners have it) and a signed-in user's credentials. The same as POST /api/scorecards/entities/:kind/:namespace/:name/refresh.`,
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: oneEntity,
      output: z => entityResults(z).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const user = asUser(auth, credentials, 'refresh a scorecard');
      return {
        output: await queries.refreshEntity(entityOf(input), user),
      };
    },
  });
}
