import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { CheckResult } from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '../../api';
import { LevelChip, percent } from '../LevelChip';

const order: Record<CheckResult['status'], number> = {
  fail: 0,
  exempt: 1,
  pass: 2,
  na: 3,
};

const StatusIcon = ({ status }: { status: CheckResult['status'] }) => {
  if (status === 'pass')
    return <CheckCircleIcon style={{ color: '#2e7d32' }} titleAccess="pass" />;
  if (status === 'fail') return <CancelIcon color="error" titleAccess="fail" />;
  if (status === 'exempt')
    return <VerifiedUserIcon color="action" titleAccess="exempt" />;
  return (
    <RemoveCircleOutlineIcon color="disabled" titleAccess="not applicable" />
  );
};

/** The entity's scorecards: level, and every check with why and how to fix. */
export const EntityScorecardCard = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const alertApi = useApi(alertApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [refreshing, setRefreshing] = useState(false);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [results, definitions] = await Promise.all([
      api.getEntityResults(entityRef),
      api.getDefinitions(),
    ]);
    return { ...results, definitions };
  }, [api, entityRef]);

  const refresh = async () => {
    setRefreshing(true);
    try {
      await api.refreshEntity(entityRef);
      retry();
    } catch (e) {
      alertApi.post({
        message: `Could not re-evaluate: ${(e as Error).message}`,
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
  const title = (id: string) =>
    value!.definitions.scorecards.find(s => s.id === id)?.title ?? id;
  return (
    <InfoCard title="Scorecards" action={action}>
      {results.map(result => (
        <Box key={result.scorecardId} mb={2}>
          <Box display="flex" alignItems="center" gridGap={8}>
            <Typography variant="h6">{title(result.scorecardId)}</Typography>
            <LevelChip level={result.level} />
            <Typography color="textSecondary">
              {percent(result.score)} of checks pass
            </Typography>
          </Box>
          <List dense>
            {[...result.checks]
              .sort((a, b) => order[a.status] - order[b.status])
              .map(check => {
                const info = checkInfo.get(check.checkId);
                return (
                  <ListItem
                    key={check.checkId}
                    alignItems="flex-start"
                    data-testid={`check-${check.checkId}`}
                  >
                    <ListItemIcon>
                      <StatusIcon status={check.status} />
                    </ListItemIcon>
                    <ListItemText
                      primary={`${info?.title ?? check.checkId}${
                        check.message ? ` — ${check.message}` : ''
                      }`}
                      secondary={
                        check.status === 'fail' && info ? (
                          <>
                            <span>Why: {info.why}</span>
                            <br />
                            <span>How to fix: {info.howToFix}</span>
                          </>
                        ) : (
                          check.status
                        )
                      }
                    />
                  </ListItem>
                );
              })}
          </List>
        </Box>
      ))}
    </InfoCard>
  );
};
