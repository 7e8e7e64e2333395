import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
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
import {
  CheckInfo,
  CheckResult,
  CheckStatus,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  formatScorePercent,
  errorMessage,
  isNotAllowed,
  ScorecardLevelChip,
  scorecardsApiRef,
  useEntityScorecard,
} from '@convergence/backstage-plugin-scorecards-react';

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

const CheckRow = ({
  check,
  info,
}: {
  check: CheckResult;
  info?: CheckInfo;
}) => (
  <ListItem alignItems="flex-start" data-testid={`check-${check.checkId}`}>
    <ListItemIcon>
      <StatusIcon status={check.status} />
    </ListItemIcon>
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
  </ListItem>
);

/**
 * The checks that apply, worst first; those that don't apply folded away
 * behind their count (a Pipeline is not graded by a dozen Model checks).
 */
const CheckList = ({
  checks,
  checkInfo,
}: {
  checks: CheckResult[];
  checkInfo: Map<string, CheckInfo>;
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
              />
            ))}
          </Collapse>
        </>
      )}
    </List>
  );
};

/** The entity's scorecards: level, and every check with why and how to fix. */
export const EntityScorecardCard = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const alertApi = useApi(alertApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [refreshing, setRefreshing] = useState(false);
  const { value, loading, error, retry } = useEntityScorecard(entityRef);

  const refresh = async () => {
    setRefreshing(true);
    try {
      await api.refreshEntity(entityRef);
      retry();
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
  const results = value?.results ?? [];
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
          <CheckList checks={result.checks} checkInfo={checkInfo} />
        </Box>
      ))}
    </InfoCard>
  );
};
