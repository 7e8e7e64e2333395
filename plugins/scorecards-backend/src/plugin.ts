import { DateTime } from 'luxon';
import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskFunction,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { scorecardsPermissions } from '@convergence/backstage-plugin-scorecards-common';
import {
  FactProvider,
  ScorecardCheck,
  scorecardsExtensionPoint,
} from '@convergence/backstage-plugin-scorecards-node';
import { builtinChecks } from './checks/builtin';
import { readDeclarativeChecks } from './checks/declarative';
import { readDefinitions } from './engine/definitions';
import { DatabaseScorecardStore } from './database/DatabaseScorecardStore';
import { CatalogRelationsFactProvider } from './service/CatalogRelationsFactProvider';
import { LineageFactProvider } from './service/LineageFactProvider';
import { ScorecardEvaluator } from './service/ScorecardEvaluator';
import { ScorecardQueries } from './service/ScorecardQueries';
import { createRouter } from './service/router';
import { CheckHistoryQueries } from './service/CheckHistoryQueries';
import { registerScorecardsActions } from './actions/registerScorecardsActions';
import { DatabaseDigestStore } from './digest/DatabaseDigestStore';
import { DigestService } from './digest/DigestService';
import { readCampaigns } from './campaigns/readCampaigns';
import { DatabaseCampaignStore } from './campaigns/DatabaseCampaignStore';
import { DefaultCampaignService } from './campaigns/CampaignService';
import { DatabaseExemptionRequestStore } from './exemptions/DatabaseExemptionRequestStore';
import { ExemptionWorkflow } from './exemptions/ExemptionWorkflow';

/** The task schedule configured at `key`, or `defaults` when there is none. */
function scheduleFrom(
  config: RootConfigService,
  key: string,
  defaults: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : defaults;
}

/**
 * Schedules the task `id` to run on one replica at a time, on the schedule
 * configured at `key` (see {@link scheduleFrom}).
 */
function scheduleGlobalTask(
  scheduler: SchedulerService,
  config: RootConfigService,
  task: {
    id: string;
    key: string;
    defaults: SchedulerServiceTaskScheduleDefinition;
    fn: SchedulerServiceTaskFunction;
  },
) {
  return scheduler.scheduleTask({
    id: task.id,
    ...scheduleFrom(config, task.key, task.defaults),
    scope: 'global',
    fn: task.fn,
  });
}

/**
 * Ownership scorecards: grades catalog entities, persists results with
 * history, rolls them up by team and system, and serves them at
 * /api/scorecards.
 *
 * @public
 */
export const scorecardsPlugin = createBackendPlugin({
  pluginId: 'scorecards',
  register(env) {
    const extraChecks: ScorecardCheck[] = [];
    const factProviders: FactProvider[] = [new CatalogRelationsFactProvider()];
    env.registerExtensionPoint(scorecardsExtensionPoint, {
      addChecks: (...checks) => extraChecks.push(...checks),
      addFactProviders: (...providers) => factProviders.push(...providers),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        cache: coreServices.cache,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        const checks = new Map<string, ScorecardCheck>();
        for (const check of [
          ...builtinChecks,
          ...extraChecks,
          ...readDeclarativeChecks(config),
        ]) {
          if (checks.has(check.id))
            throw new Error(`scorecards: two checks have the id '${check.id}'`);
          checks.set(check.id, check);
        }
        const scorecards = readDefinitions(config, new Set(checks.keys()));
        const configCampaigns = readCampaigns(config, scorecards);
        const store = await DatabaseScorecardStore.create({
          database: deps.database,
        });
        const evaluator = new ScorecardEvaluator({
          scorecards,
          checks,
          factProviders: [
            ...factProviders,
            // Reads the whole lineage graph with the plugin's credentials.
            LineageFactProvider.fromCatalog(deps.catalog, deps.auth),
          ],
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          notifications: deps.notifications,
        });

        deps.permissionsRegistry.addPermissions(scorecardsPermissions);

        const queries = new ScorecardQueries({
          cache: deps.cache,
          permissions: deps.permissions,
          auth: deps.auth,
          permissionDecisionCacheSeconds: config.getOptionalNumber(
            'scorecards.permissionDecisionCacheSeconds',
          ),
          catalog: deps.catalog,
          store,
          evaluator,
          scorecards,
          checks,
        });
        const campaigns = new DefaultCampaignService({
          store: await DatabaseCampaignStore.create({
            database: deps.database,
          }),
          queries,
          catalog: deps.catalog,
          permissions: deps.permissions,
          auth: deps.auth,
          scorecards,
          configCampaigns,
          logger,
        });
        const checkHistory = new CheckHistoryQueries({ queries, store });
        const exemptions = new ExemptionWorkflow({
          requests: await DatabaseExemptionRequestStore.create({
            database: deps.database,
          }),
          store,
          queries,
          evaluator,
          checks,
          logger,
          notifications: deps.notifications,
          maxDays: config.getOptionalNumber('scorecards.exemptions.maxDays'),
          selfApproval: config.getOptionalBoolean(
            'scorecards.exemptions.selfApproval',
          ),
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            queries,
            checkHistory,
            campaigns,
            exemptions,
          }),
        );

        // New and changed entities are graded within seconds, between full passes.
        await scheduleGlobalTask(scheduler, config, {
          id: 'scorecards:incremental',
          key: 'scorecards.incremental.schedule',
          defaults: {
            frequency: { seconds: 20 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 20 },
          },
          fn: async () => {
            // Expired exemptions first: their entities are graded in this pass.
            try {
              await exemptions.expire();
            } catch (error) {
              logger.error(`Exemption expiry sweep failed: ${error}`);
            }
            await evaluator.evaluateChanged();
          },
        });
        const historyDays =
          config.getOptionalNumber('scorecards.historyRetentionDays') ?? 365;
        await scheduleGlobalTask(scheduler, config, {
          id: 'scorecards:evaluate',
          key: 'scorecards.schedule',
          defaults: {
            frequency: { minutes: 30 },
            timeout: { minutes: 15 },
            initialDelay: { seconds: 15 },
          },
          fn: async () => {
            await evaluator.evaluateAll();
            // The campaigns' burn-up points of the day; grading never fails for them.
            try {
              await campaigns.snapshotAll(new Date());
            } catch (error) {
              logger.error(`Campaign burn-up snapshot failed: ${error}`);
            }
            await store.deleteHistoryBefore(
              DateTime.utc().minus({ days: historyDays }).toJSDate(),
            );
          },
        });

        // The weekly digest, when enabled: each team once per ISO week
        // across replicas (claimed in the database before it is sent).
        if (config.getOptionalBoolean('scorecards.digest.enabled')) {
          const digest = DigestService.fromConfig(config, {
            store: await DatabaseDigestStore.create({
              database: deps.database,
            }),
            queries,
            campaigns,
            notifications: deps.notifications,
            auth: deps.auth,
            logger,
          });
          await scheduleGlobalTask(scheduler, config, {
            id: 'scorecards:digest',
            key: 'scorecards.digest.schedule',
            defaults: {
              frequency: { cron: '0 8 * * 1' },
              timeout: { minutes: 30 },
            },
            fn: async signal => {
              await digest.run(new Date(), { signal });
            },
          });
        }
        // The same reads and writes for agents (served over MCP by the
        // portal), through the same queries and permission checks.
        registerScorecardsActions({
          actionsRegistry: deps.actionsRegistry,
          auth: deps.auth,
          queries,
        });
      },
    });
  },
});
