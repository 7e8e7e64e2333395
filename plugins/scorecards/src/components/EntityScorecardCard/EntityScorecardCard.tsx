import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  alertApiRef,
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Collapse from '@material-ui/core/Collapse';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import useAsync from 'react-use/esm/useAsync';
import {
  CheckChange,
  CheckInfo,
  CheckResult,
  CheckStatus,
  EntityScorecardResult,
  Exemption,
  ExemptionRequest,
  gradedStatuses,
  scorecardsExemptionManagePermission,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  formatScorePercent,
  errorMessage,
  isNotAllowed,
  ScorecardLevelChip,
  scorecardsApiRef,
  useEntityScorecard,
} from '@convergence/backstage-plugin-scorecards-react';
import { CheckExemption, ExemptionAnswer } from './ExemptionRequests';
import { ExemptionHistory } from './ExemptionHistory';
import { RequestExemptionDialog } from './RequestExemptionDialog';
import { timeAgo, utcDateTime } from './time';
import { useExemptionData } from './useExemptionData';

const order: Record<CheckStatus, number> = {
  fail: 0,
  unknown: 1,
  exempt: 2,
  pass: 3,
  na: 4,
};

const StatusIcon = ({ status }: { status: CheckStatus }) => {
  if (status === 'pass')
    return <CheckCircleIcon style={{ color: '#2e7d32' }} titleAccess="pass" />;
  if (status === 'fail') return <CancelIcon color="error" titleAccess="fail" />;
  if (status === 'exempt')
    return <VerifiedUserIcon color="action" titleAccess="exempt" />;
  if (status === 'unknown')
    return <HelpOutlineIcon color="disabled" titleAccess="unknown" />;
  return (
    <RemoveCircleOutlineIcon color="disabled" titleAccess="not applicable" />
  );
};

/** What the row says under the check's title. */
function secondary(check: CheckResult, info?: CheckInfo) {
  if (check.status === 'fail' && info) {
    return (
      <>
        <span>Why: {info.why}</span>
        <br />
        <span>How to fix: {info.howToFix}</span>
      </>
    );
  }
  if (check.status === 'unknown') {
    return 'Not graded this time: a source of facts was unavailable. It does not count against the level.';
  }
  if (check.status === 'na') return "doesn't apply";
  return check.status;
}

const statusWords: Record<CheckStatus, string> = {
  pass: 'passing',
  fail: 'failing',
  exempt: 'exempt',
  na: 'not applicable',
  unknown: 'unknown',
};

/**
 * "failing since 3 days ago" when the check's last change of state is its
 * current status; for an unknown check, the last status it was graded. When
 * `since` is only when the check's history began, the status may be older:
 * "failing since at least 3 days ago (when check history began)".
 */
function sinceText(check: CheckResult, change?: CheckChange, now?: number) {
  if (!change) return undefined;
  const ago = timeAgo(change.since, now);
  const since = change.sinceHistoryStart
    ? `${
        statusWords[change.status]
      } since at least ${ago} (when check history began)`
    : `${statusWords[change.status]} since ${ago}`;
  if (change.status === check.status) return since;
  if (check.status === 'unknown') return `last graded ${since}`;
  return undefined;
}

const changeKey = (scorecardId: string, checkId: string) =>
  JSON.stringify([scorecardId, checkId]);

/** What a row needs beyond its check: exemption state, actions and history. */
interface RowContext {
  requests: ExemptionRequest[];
  exemptions: Exemption[];
  changes: Map<string, CheckChange>;
  /** All the entity's results, whose statuses of a check weigh an approval. */
  results: EntityScorecardResult[];
  canDecide: boolean;
  /** The signed-in user's ref, once known. */
  userRef?: string;
  /** `scorecards.exemptions.selfApproval` (default false: four eyes). */
  selfApproval: boolean;
  now: number;
  scorecardId: string;
  onRequest: (checkId: string) => void;
  onAnswer: (answer: ExemptionAnswer) => void;
  onRevoke: (exemption: Exemption) => Promise<void>;
}

const CheckRow = ({
  check,
  info,
  context,
}: {
  check: CheckResult;
  info?: CheckInfo;
  context: RowContext;
}) => {
  const change = context.changes.get(
    changeKey(context.scorecardId, check.checkId),
  );
  const since = sinceText(check, change, context.now);
  return (
    <ListItem alignItems="flex-start" data-testid={`check-${check.checkId}`}>
      <ListItemIcon>
        <StatusIcon status={check.status} />
      </ListItemIcon>
      <Box flex={1} minWidth={0}>
        <ListItemText
          primary={
            <>
              {`${info?.title ?? check.checkId}${
                check.message ? ` — ${check.message}` : ''
              }`}
              {check.causes && check.causes.length > 0 && (
                <span data-testid={`causes-${check.checkId}`}>
                  {' '}
                  (cause{check.causes.length > 1 ? 's' : ''}:{' '}
                  {check.causes.map((ref, i) => (
                    <span key={ref}>
                      {i > 0 && ', '}
                      <EntityRefLink entityRef={ref} />
                    </span>
                  ))}
                  )
                </span>
              )}
              {check.status === 'unknown' && (
                <>
                  {' '}
                  <Chip size="small" label="Unknown" />
                </>
              )}
            </>
          }
          secondary={secondary(check, info)}
        />
        {since && change && (
          <Typography
            variant="caption"
            color="textSecondary"
            title={utcDateTime(change.since)}
            data-testid={`since-${check.checkId}`}
          >
            {since}
          </Typography>
        )}
        <CheckExemption
          checkId={check.checkId}
          status={check.status}
          gradedStatuses={gradedStatuses(context.results, check.checkId)}
          requests={context.requests.filter(r => r.checkId === check.checkId)}
          exemptions={context.exemptions}
          canDecide={context.canDecide}
          userRef={context.userRef}
          selfApproval={context.selfApproval}
          now={context.now}
          onRequest={() => context.onRequest(check.checkId)}
          onAnswer={context.onAnswer}
          onRevoke={context.onRevoke}
        />
      </Box>
    </ListItem>
  );
};

/**
 * The checks that apply, worst first; those that don't apply folded away
 * behind their count (a Pipeline is not graded by a dozen Model checks).
 */
const CheckList = ({
  checks,
  checkInfo,
  context,
}: {
  checks: CheckResult[];
  checkInfo: Map<string, CheckInfo>;
  context: RowContext;
}) => {
  const [showNa, setShowNa] = useState(false);
  const sorted = [...checks].sort((a, b) => order[a.status] - order[b.status]);
  const applying = sorted.filter(c => c.status !== 'na');
  const na = sorted.filter(c => c.status === 'na');
  return (
    <List dense>
      {applying.map(check => (
        <CheckRow
          key={check.checkId}
          check={check}
          info={checkInfo.get(check.checkId)}
          context={context}
        />
      ))}
      {na.length > 0 && (
        <>
          <ListItem
            button
            onClick={() => setShowNa(!showNa)}
            aria-expanded={showNa}
          >
            <ListItemIcon>
              {showNa ? <ExpandLessIcon /> : <ExpandMoreIcon />}
            </ListItemIcon>
            <ListItemText
              primary={
                na.length === 1
                  ? "1 check doesn't apply"
                  : `${na.length} checks don't apply`
              }
            />
          </ListItem>
          <Collapse in={showNa} unmountOnExit>
            {na.map(check => (
              <CheckRow
                key={check.checkId}
                check={check}
                info={checkInfo.get(check.checkId)}
                context={context}
              />
            ))}
          </Collapse>
        </>
      )}
    </List>
  );
};

/**
 * Results answered by an action (an approval, a re-evaluation) in place of
 * the loaded ones of the same scorecards.
 */
function withAnswered(
  loaded: EntityScorecardResult[],
  answered?: EntityScorecardResult[],
) {
  if (!answered) return loaded;
  const byId = new Map(answered.map(r => [r.scorecardId, r]));
  return [
    ...loaded.map(r => byId.get(r.scorecardId) ?? r),
    ...answered.filter(r => !loaded.some(l => l.scorecardId === r.scorecardId)),
  ];
}

/**
 * The entity's scorecards: level, and every check with why and how to fix,
 * when it last changed state, its exemption (or a request for one, which
 * those who manage the entity's exemptions approve or reject here), and the
 * exemption history.
 */
export const EntityScorecardCard = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const alertApi = useApi(alertApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [refreshing, setRefreshing] = useState(false);
  const { value, loading, error, retry } = useEntityScorecard(entityRef);
  const side = useExemptionData(entityRef);
  const { allowed: canDecide } = usePermission({
    permission: scorecardsExemptionManagePermission,
    resourceRef: entityRef,
  });
  const identityApi = useApi(identityApiRef);
  const selfApproval =
    useApi(configApiRef).getOptionalBoolean(
      'scorecards.exemptions.selfApproval',
    ) ?? false;
  const { value: userRef } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  // Results an approval or revocation answered, until the next reload; kept
  // with the entity they are of, should the card be shown another entity.
  const [answer, setAnswer] = useState<{
    entityRef: string;
    results: EntityScorecardResult[];
  }>();
  const setAnswered = (results?: EntityScorecardResult[]) =>
    setAnswer(results ? { entityRef, results } : undefined);
  const answered = answer?.entityRef === entityRef ? answer.results : undefined;
  const [requesting, setRequesting] = useState<string>();

  const refresh = async () => {
    setRefreshing(true);
    try {
      await api.refreshEntity(entityRef);
      setAnswered(undefined);
      retry();
      side.reload();
    } catch (e) {
      alertApi.post({
        message: `Could not re-evaluate: ${
          isNotAllowed(e)
            ? 'you are not allowed to re-evaluate this entity'
            : errorMessage(e)
        }`,
        severity: 'error',
        display: 'transient',
      });
    } finally {
      setRefreshing(false);
    }
  };

  const onAnswer = (decided: ExemptionAnswer) => {
    if (decided.results) setAnswered(decided.results);
    side.remember(decided);
  };

  const onRevoke = async (exemption: Exemption) => {
    try {
      await api.revokeExemption(exemption.id);
    } catch (e) {
      alertApi.post({
        message: `Could not revoke the exemption: ${errorMessage(e)}`,
        severity: 'error',
        display: 'transient',
      });
      return;
    }
    side.forgetExemption(exemption.id);
    // The check counts again once the entity is graded: grade it now if allowed.
    try {
      setAnswered((await api.refreshEntity(entityRef)).results);
    } catch {
      alertApi.post({
        message:
          'Exemption revoked; the check counts again when the entity is next graded.',
        severity: 'info',
        display: 'transient',
      });
    }
  };

  if (loading) {
    return (
      <InfoCard title="Scorecards">
        <Progress />
      </InfoCard>
    );
  }
  if (error)
    return (
      <ResponseErrorPanel error={error} title="Could not load scorecards" />
    );
  const results = withAnswered(value?.results ?? [], answered);
  const action = (
    <Button size="small" onClick={refresh} disabled={refreshing}>
      {refreshing ? 'Evaluating…' : 'Re-evaluate'}
    </Button>
  );
  if (results.length === 0) {
    return (
      <InfoCard title="Scorecards" action={action}>
        <EmptyState
          missing="data"
          title="Not graded yet"
          description="No scorecard covers this entity, or it has not been evaluated since it was registered."
        />
      </InfoCard>
    );
  }
  const checkInfo = new Map(value!.definitions.checks.map(c => [c.id, c]));
  const scorecards = new Map(value!.definitions.scorecards.map(s => [s.id, s]));
  const { data } = side;
  const changes = new Map(
    (data.changes.value ?? []).map(c => [
      changeKey(c.scorecardId, c.checkId),
      c,
    ]),
  );
  const context = {
    requests: data.requests.value ?? [],
    results,
    // Without the full list (incl. expired), the active ones the results came with.
    exemptions: data.exemptions.value?.exemptions ?? value?.exemptions ?? [],
    changes,
    canDecide,
    userRef,
    selfApproval,
    now: Date.now(),
    onRequest: setRequesting,
    onAnswer,
    onRevoke,
  };
  const sideErrors = [
    data.requests.error && 'exemption requests',
    data.changes.error && 'check changes',
  ].filter(Boolean);
  return (
    <InfoCard title="Scorecards" action={action}>
      {results.map(result => (
        <Box key={result.scorecardId} mb={2}>
          <Box display="flex" alignItems="center" gridGap={8}>
            <Typography variant="h6">
              {scorecards.get(result.scorecardId)?.title ?? result.scorecardId}
            </Typography>
            <ScorecardLevelChip
              level={result.level}
              levels={scorecards.get(result.scorecardId)?.levels}
            />
            <Typography color="textSecondary">
              {formatScorePercent(result.score)} of checks pass
            </Typography>
          </Box>
          <CheckList
            checks={result.checks}
            checkInfo={checkInfo}
            context={{ ...context, scorecardId: result.scorecardId }}
          />
        </Box>
      ))}
      {sideErrors.length > 0 && (
        <Typography variant="body2" color="textSecondary" role="status">
          Could not load the {sideErrors.join(' or the ')}:{' '}
          {errorMessage(data.requests.error ?? data.changes.error)}
        </Typography>
      )}
      <ExemptionHistory
        audit={data.exemptions.value?.audit}
        error={data.exemptions.error}
        loading={data.loading}
        checkInfo={checkInfo}
      />
      {requesting && (
        <RequestExemptionDialog
          open
          entityRef={entityRef}
          checkId={requesting}
          checkTitle={checkInfo.get(requesting)?.title ?? requesting}
          onClose={() => setRequesting(undefined)}
          onRequested={request => {
            setRequesting(undefined);
            side.remember({ request });
          }}
        />
      )}
    </InfoCard>
  );
};
