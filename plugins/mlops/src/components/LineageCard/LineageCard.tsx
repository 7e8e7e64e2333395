import { EmptyState, InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  RELATION_BASE_MODEL_OF,
  RELATION_CONSUMED_BY,
  RELATION_CONSUMES,
  RELATION_DERIVED_FROM,
  RELATION_DERIVES_TO,
  RELATION_EVALUATED_ON,
  RELATION_EVALUATION_DATA_OF,
  RELATION_FINE_TUNED_FROM,
  RELATION_PRODUCED_BY,
  RELATION_PRODUCES,
  RELATION_TRAINED_ON,
  RELATION_TRAINING_DATA_OF,
} from '@convergence/backstage-plugin-mlops-common';

type Group = [relation: string, label: string];

/** What flows into and out of each kind, in reading order. */
const LINEAGE: Record<string, { upstream: Group[]; downstream: Group[] }> = {
  model: {
    upstream: [
      [RELATION_TRAINED_ON, 'Trained on'],
      [RELATION_EVALUATED_ON, 'Evaluated on'],
      [RELATION_PRODUCED_BY, 'Produced by'],
      [RELATION_FINE_TUNED_FROM, 'Fine-tuned from'],
    ],
    downstream: [
      [RELATION_DEPENDENCY_OF, 'Used by'],
      [RELATION_BASE_MODEL_OF, 'Base model of'],
      [RELATION_CONSUMED_BY, 'Consumed by'],
    ],
  },
  dataset: {
    upstream: [
      [RELATION_DERIVED_FROM, 'Derived from'],
      [RELATION_PRODUCED_BY, 'Produced by'],
    ],
    downstream: [
      [RELATION_TRAINING_DATA_OF, 'Trains'],
      [RELATION_EVALUATION_DATA_OF, 'Evaluates'],
      [RELATION_CONSUMED_BY, 'Consumed by'],
      [RELATION_DERIVES_TO, 'Derived into'],
      [RELATION_DEPENDENCY_OF, 'Used by'],
    ],
  },
  pipeline: {
    upstream: [[RELATION_CONSUMES, 'Consumes']],
    downstream: [[RELATION_PRODUCES, 'Produces']],
  },
};

const useStyles = makeStyles(theme => ({
  column: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1) },
  center: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(1),
    fontWeight: theme.typography.fontWeightBold as number,
  },
  group: { marginBottom: theme.spacing(1) },
}));

function targets(entity: Entity, relation: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === relation)
    .map(r => r.targetRef)
    .sort();
}

const Column = ({
  entity,
  groups,
  title,
}: {
  entity: Entity;
  groups: Group[];
  title: string;
}) => {
  const classes = useStyles();
  const present = groups
    .map(([relation, label]) => ({ label, refs: targets(entity, relation) }))
    .filter(g => g.refs.length > 0);
  return (
    <div className={classes.column}>
      <Typography variant="overline">{title}</Typography>
      {present.length === 0 && (
        <Typography color="textSecondary">nothing recorded</Typography>
      )}
      {present.map(g => (
        <div
          key={g.label}
          className={classes.group}
          data-testid={`lineage-${g.label}`}
        >
          <Typography variant="subtitle2">{g.label}</Typography>
          {g.refs.map(ref => (
            <div key={ref}>
              <EntityRefLink entityRef={ref} />
            </div>
          ))}
        </div>
      ))}
    </div>
  );
};

/**
 * Lineage of a model, dataset or pipeline: what flows in (datasets, the
 * pipeline, a base model) and what flows out (models, services that depend on
 * it), each a link into the catalog.
 */
export const LineageCard = () => {
  const classes = useStyles();
  const { entity } = useEntity();
  const lineage = LINEAGE[entity.kind.toLocaleLowerCase('en-US')];
  const hasAny =
    lineage &&
    [...lineage.upstream, ...lineage.downstream].some(
      ([r]) => targets(entity, r).length > 0,
    );
  if (!lineage || !hasAny) {
    return (
      <InfoCard title="Lineage">
        <EmptyState
          missing="data"
          title="No lineage recorded"
          description="Name the datasets, pipeline and base model in the entity's spec (trainedOn, evaluatedOn, producedBy, consumes, produces, derivedFrom, baseModel); services link themselves with dependsOn."
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Lineage">
      <Grid container spacing={2} alignItems="center">
        <Grid item xs={12} md={5}>
          <Column entity={entity} groups={lineage.upstream} title="Upstream" />
        </Grid>
        <Grid item xs={12} md={2} className={classes.center}>
          <ArrowForwardIcon />
          <span>{entity.metadata.title ?? entity.metadata.name}</span>
          <ArrowForwardIcon />
        </Grid>
        <Grid item xs={12} md={5}>
          <Column
            entity={entity}
            groups={lineage.downstream}
            title="Downstream"
          />
        </Grid>
      </Grid>
      <Typography variant="caption" color="textSecondary">
        {stringifyEntityRef(entity)}
      </Typography>
    </InfoCard>
  );
};
