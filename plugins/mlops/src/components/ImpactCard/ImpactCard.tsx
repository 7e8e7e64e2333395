import { Fragment, useMemo, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  LineageEntity,
  LineageNotice,
  LineageStep,
  lineageNotifyPermission,
} from '@convergence/backstage-plugin-mlops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AsyncState } from 'react-use/esm/useAsync';
import { errorMessage } from '@convergence/backstage-plugin-scorecards-react';
import { mlopsApiRef } from '../../api';
import { formatTimestamp } from '../common/format';
import { count } from './errors';
import { noticeLabel, NotifyDialog } from './NotifyDialog';

/** The order kinds are listed in; others follow alphabetically. */
const KIND_ORDER = [
  'model',
  'pipeline',
  'dataset',
  'component',
  'api',
  'resource',
  'system',
  'domain',
];

const OWNERS_ONLY = 'Only the owners of this entity can send notices';

/**
 * How many rows a kind shows until "Show all": a dataset thousands of
 * entities upstream of a whole estate would otherwise render thousands of
 * rows (each with entity links) at once.
 */
export const ROWS_PER_KIND = 25;

const useStyles = makeStyles(theme => ({
  summary: { marginBottom: theme.spacing(2) },
  group: { marginBottom: theme.spacing(2) },
  deprecated: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  experimental: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  notices: { marginTop: theme.spacing(2) },
  path: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
  actions: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
}));

function kindRank(kind: string) {
  const i = KIND_ORDER.indexOf(kind.toLocaleLowerCase('en-US'));
  return i < 0 ? KIND_ORDER.length : i;
}

/** The listed entities per kind, in KIND_ORDER, nearest first within a kind. */
function groupByKind(entities: LineageEntity[]) {
  const groups = new Map<string, LineageEntity[]>();
  for (const e of entities) {
    const group = groups.get(e.kind);
    if (group) group.push(e);
    else groups.set(e.kind, [e]);
  }
  return [...groups.entries()].sort(
    ([a], [b]) => kindRank(a) - kindRank(b) || a.localeCompare(b),
  );
}

const Lifecycle = ({ lifecycle }: { lifecycle?: string }) => {
  const classes = useStyles();
  if (!lifecycle) return <>—</>;
  const highlight: Record<string, string> = {
    deprecated: classes.deprecated,
    experimental: classes.experimental,
  };
  return (
    <Chip size="small" label={lifecycle} className={highlight[lifecycle]} />
  );
};

/** `trainingDataOf → model:default/x → dependencyOf → component:default/y` */
const Path = ({ steps }: { steps: LineageStep[] }) => {
  const classes = useStyles();
  return (
    <Typography variant="body2" component="div" className={classes.path}>
      {steps.map((step, i) => (
        <Fragment key={i}>
          {i > 0 && <span>→</span>}
          <span>{step.relation}</span>
          <span>→</span>
          {step.hidden || !step.entityRef ? (
            <em>(hidden)</em>
          ) : (
            <EntityRefLink entityRef={step.entityRef} hideIcon>
              {step.entityRef}
            </EntityRefLink>
          )}
        </Fragment>
      ))}
    </Typography>
  );
};

const ImpactRow = ({ entity }: { entity: LineageEntity }) => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <TableRow>
        <TableCell>
          <EntityRefLink entityRef={entity.entityRef} />
        </TableCell>
        <TableCell>{entity.type ?? '—'}</TableCell>
        <TableCell>
          {entity.owner ? <EntityRefLink entityRef={entity.owner} /> : '—'}
        </TableCell>
        <TableCell>
          <Lifecycle lifecycle={entity.lifecycle} />
        </TableCell>
        <TableCell align="right">{entity.depth}</TableCell>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} the path to ${
              entity.entityRef
            }`}
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
          </IconButton>
        </TableCell>
      </TableRow>
      {open && (
        <TableRow>
          <TableCell colSpan={6} aria-label={`Path to ${entity.entityRef}`}>
            <Path steps={entity.path} />
          </TableCell>
        </TableRow>
      )}
    </>
  );
};

const KindGroup = ({
  kind,
  entities,
}: {
  kind: string;
  entities: LineageEntity[];
}) => {
  const classes = useStyles();
  const [all, setAll] = useState(false);
  const shown = all ? entities : entities.slice(0, ROWS_PER_KIND);
  return (
    <section className={classes.group} aria-label={kind}>
      <Typography variant="subtitle2" component="h3">
        {kind} ({entities.length})
      </Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Type</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Lifecycle</TableCell>
            <TableCell align="right">Depth</TableCell>
            <TableCell padding="checkbox" />
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(e => (
            <ImpactRow key={e.entityRef} entity={e} />
          ))}
        </TableBody>
      </Table>
      {entities.length > ROWS_PER_KIND && (
        <Button size="small" onClick={() => setAll(!all)}>
          {all
            ? `Show the first ${ROWS_PER_KIND}`
            : `Show all ${entities.length}`}
        </Button>
      )}
    </section>
  );
};

const Notices = ({
  notices,
}: {
  notices: AsyncState<{ items: LineageNotice[] }>;
}) => {
  const classes = useStyles();
  if (notices.error) {
    return (
      <Typography variant="body2" color="error" className={classes.notices}>
        Could not load the notices sent: {errorMessage(notices.error)}
      </Typography>
    );
  }
  const items = notices.value?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Notices sent" className={classes.notices}>
      <Typography variant="subtitle2" component="h3">
        Notices sent
      </Typography>
      <List dense disablePadding>
        {items.map(n => (
          <ListItem key={n.id} disableGutters>
            <ListItemText
              primary={
                <>
                  {noticeLabel(n)} · {formatTimestamp(n.sentAt)} ·{' '}
                  <EntityRefLink entityRef={n.sentBy} /> · to{' '}
                  {count(
                    n.recipients.length + (n.hiddenRecipients ?? 0),
                    'team',
                  )}
                </>
              }
              secondary={n.message}
            />
          </ListItem>
        ))}
      </List>
    </section>
  );
};

/**
 * What is downstream of a model, dataset or pipeline, grouped by kind, with
 * owners, lifecycle and the path to each; the entity's owners can notify the
 * downstream teams from here.
 */
export const ImpactCard = () => {
  const classes = useStyles();
  const { entity } = useEntity();
  const api = useApi(mlopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const lineage = useAsyncRetry(
    () => api.getLineage(entityRef, { direction: 'downstream' }),
    [api, entityRef],
  );
  const notify = usePermission({
    permission: lineageNotifyPermission,
    resourceRef: entityRef,
  });
  const notices = useAsyncRetry(
    () => api.listNotices(entityRef),
    [api, entityRef],
  );
  const [dialogOpen, setDialogOpen] = useState(false);
  const [sent, setSent] = useState<string>();
  const groups = useMemo(
    () => groupByKind(lineage.value?.entities ?? []),
    [lineage.value],
  );

  if (lineage.loading && !lineage.value) {
    return (
      <InfoCard title="Impact">
        <Progress />
      </InfoCard>
    );
  }
  if (lineage.error) {
    return (
      <InfoCard title="Impact">
        <ResponseErrorPanel
          error={lineage.error}
          title={`Could not load what is downstream: ${errorMessage(
            lineage.error,
          )}`}
        />
      </InfoCard>
    );
  }
  const result = lineage.value!;
  const { totals } = result;
  const anything = totals.entities + totals.hidden > 0;

  const summary = [
    `${count(
      totals.entities,
      'downstream entity',
      'downstream entities',
    )}, owned by ${count(totals.owners, 'team')}`,
    totals.hidden > 0 ? `${totals.hidden} hidden` : undefined,
    result.truncated ? `more beyond depth ${result.depth}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

  const button = (
    <Button
      variant="outlined"
      color="primary"
      disabled={!notify.allowed}
      onClick={() => {
        setSent(undefined);
        setDialogOpen(true);
      }}
    >
      Notify downstream owners
    </Button>
  );

  return (
    <InfoCard title="Impact">
      {anything ? (
        <>
          <Typography className={classes.summary}>{summary}</Typography>
          {groups.map(([kind, entities]) => (
            <KindGroup key={kind} kind={kind} entities={entities} />
          ))}
          <Box className={classes.actions}>
            <Tooltip
              title={notify.allowed || notify.loading ? '' : OWNERS_ONLY}
            >
              <span>{button}</span>
            </Tooltip>
            {sent && (
              <Typography role="status" color="textSecondary">
                {sent}
              </Typography>
            )}
          </Box>
          <NotifyDialog
            entityRef={entityRef}
            open={dialogOpen}
            onClose={() => setDialogOpen(false)}
            onSent={notice => {
              setDialogOpen(false);
              setSent(
                `Sent to ${count(
                  notice.recipients.length + (notice.hiddenRecipients ?? 0),
                  'team',
                )}`,
              );
              notices.retry();
            }}
          />
        </>
      ) : (
        <Typography color="textSecondary">
          Nothing downstream of this {entity.kind.toLocaleLowerCase('en-US')}.
        </Typography>
      )}
      <Notices notices={notices} />
    </InfoCard>
  );
};
