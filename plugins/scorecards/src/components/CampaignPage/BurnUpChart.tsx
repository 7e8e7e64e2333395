import Typography from '@material-ui/core/Typography';
import { Line } from 'recharts';
import { CampaignBurnUpPoint } from '@convergence/backstage-plugin-scorecards-common';
import { DayChart } from '../DayChart';

/** A campaign's burn-up: entities done and entities covered, per day. */
export const BurnUpChart = ({ points }: { points: CampaignBurnUpPoint[] }) => {
  if (points.length === 0) {
    return <Typography>No history yet.</Typography>;
  }
  return (
    <DayChart testId="campaign-burnup" height={240} data={points}>
      <Line
        type="stepAfter"
        dataKey="total"
        name="Covered"
        stroke="#9e9e9e"
        strokeDasharray="5 5"
        dot={false}
      />
      <Line
        type="stepAfter"
        dataKey="done"
        name="Done"
        stroke="#2e7d32"
        strokeWidth={2}
      />
    </DayChart>
  );
};
