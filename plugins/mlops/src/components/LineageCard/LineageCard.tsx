import { EmptyState, InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  LINEAGE_RELATION_LABELS,
  LINEAGE_RELATIONS_BY_KIND,
} from '@convergence/backstage-plugin-mlops-common';

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
  relations,
  title,
}: {
  entity: Entity;
  relations: readonly string[];
  title: string;
}) => {
  const classes = useStyles();
  const present = relations
    .map(relation => ({
      label: LINEAGE_RELATION_LABELS[relation],
      refs: targets(entity, relation),
    }))
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
  const lineage =
    LINEAGE_RELATIONS_BY_KIND[entity.kind.toLocaleLowerCase('en-US')];
  const hasAny =
    lineage &&
    [...lineage.upstream, ...lineage.downstream].some(
      relation => targets(entity, relation).length > 0,
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
          <Column
            entity={entity}
            relations={lineage.upstream}
            title="Upstream"
          />
        </Grid>
        <Grid item xs={12} md={2} className={classes.center}>
          <ArrowForwardIcon />
          <span>{entity.metadata.title ?? entity.metadata.name}</span>
          <ArrowForwardIcon />
        </Grid>
        <Grid item xs={12} md={5}>
          <Column
            entity={entity}
            relations={lineage.downstream}
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
