import Typography from '@material-ui/core/Typography';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CampaignBurnUpPoint } from '@convergence/backstage-plugin-scorecards-common';

/** A campaign's burn-up: entities done and entities covered, per day. */
export const BurnUpChart = ({ points }: { points: CampaignBurnUpPoint[] }) => {
  if (points.length === 0) {
    return <Typography>No history yet.</Typography>;
  }
  return (
    <div data-testid="campaign-burnup" style={{ width: '100%', height: 240 }}>
      <ResponsiveContainer>
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
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
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
};
