import { ReactNode } from 'react';
import {
  CartesianGrid,
  Legend,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/**
 * The frame of the plugin's charts over days: rows keyed by `day` on the x
 * axis, a grid, a tooltip and a legend around the given `<Line>`s. The y axis
 * is a percentage (0 to 100) or, without `percent`, a whole count.
 */
export const DayChart = ({
  testId,
  height,
  data,
  percent = false,
  tooltipFormatter,
  children,
}: {
  testId: string;
  height: number;
  data: object[];
  percent?: boolean;
  tooltipFormatter?: (value: any) => string;
  children: ReactNode;
}) => (
  <div data-testid={testId} style={{ width: '100%', height }}>
    <ResponsiveContainer>
      <LineChart data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="day" />
        {percent ? (
          <YAxis domain={[0, 100]} unit="%" />
        ) : (
          <YAxis allowDecimals={false} />
        )}
        <Tooltip formatter={tooltipFormatter} />
        <Legend />
        {children}
      </LineChart>
    </ResponsiveContainer>
  </div>
);
