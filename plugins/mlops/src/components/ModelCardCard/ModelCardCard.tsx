import {
  EmptyState,
  InfoCard,
  MarkdownContent,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ModelCard,
  ModelEntityV1alpha1,
} from '@convergence/backstage-plugin-mlops-common';

const sections: Array<[keyof ModelCard, string]> = [
  ['intendedUse', 'Intended use'],
  ['limitations', 'Limitations'],
  ['ethicalConsiderations', 'Ethical considerations'],
  ['personalData', 'Personal data'],
  ['trainingData', 'Training data'],
  ['evaluationData', 'Evaluation data'],
];

/** The model card, rendered from sanitised Markdown. */
export const ModelCardCard = () => {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const card = entity.spec.card ?? {};
  const present = sections.filter(([key]) => card[key]?.trim());
  if (present.length === 0) {
    return (
      <InfoCard title="Model card">
        <EmptyState
          missing="info"
          title="This model has no model card"
          description="Describe its intended use, limitations and evaluation data under spec.card in the entity's YAML."
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Model card">
      {present.map(([key, title]) => (
        <div key={key}>
          <Typography variant="h6">{title}</Typography>
          <MarkdownContent content={card[key]!} />
        </div>
      ))}
    </InfoCard>
  );
};
