import { ReactNode } from 'react';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { percentDone } from './campaignText';

/**
 * A campaign's (or a team's) progress: a bar, "N of M" and the percentage.
 * The "N of M" text is in an element with `data-testid` `${testId}-text`;
 * when nothing is covered, that element says "No entity covered" and there
 * is no bar.
 * With `error` (progress could not be computed) it shows that text instead,
 * in an element with `data-testid` `${testId}-error`.
 */
export const CampaignProgressBar = ({
  done,
  total,
  ungraded,
  testId = 'campaign-progress',
  dense = false,
  error,
}: {
  done: number;
  total: number;
  /** Covered entities without a result yet, mentioned when there are any. */
  ungraded?: number;
  testId?: string;
  dense?: boolean;
  /** Why the progress could not be computed; replaces the bar. */
  error?: string;
}) => {
  const variant = dense ? 'caption' : 'body2';
  const box = (children: ReactNode) => (
    <div data-testid={testId} style={{ minWidth: dense ? 120 : 200 }}>
      {children}
    </div>
  );
  if (error) {
    return box(
      <Typography
        variant={variant}
        color="error"
        component="div"
        data-testid={`${testId}-error`}
      >
        Progress unavailable: {error}
      </Typography>,
    );
  }
  if (total === 0 && !ungraded) {
    // Not "0 of 0 done (0%)": nothing to do is not no progress.
    return box(
      <Typography variant={variant} color="textSecondary" component="div">
        <span data-testid={`${testId}-text`}>No entity covered</span>: none
        matches the campaign's filter and scorecard
      </Typography>,
    );
  }
  const percent = percentDone(done, total);
  return box(
    <>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={`${done} of ${total} done`}
        style={{ height: dense ? 6 : 10, borderRadius: 4 }}
      />
      <Typography variant={variant} color="textSecondary" component="div">
        <span data-testid={`${testId}-text`}>{`${done} of ${total}`}</span> done
        ({percent}%)
        {ungraded ? `, ${ungraded} not graded yet` : ''}
      </Typography>
    </>,
  );
};
