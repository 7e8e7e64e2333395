import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  CheckInfo,
  ExemptionAuditEntry,
} from '@convergence/backstage-plugin-scorecards-common';
import { errorMessage } from '@convergence/backstage-plugin-scorecards-react';
import { Who } from './ExemptionRequests';
import { utcDateTime, utcDay } from './time';

const verbs: Record<string, string> = {
  'exemption.request': 'requested',
  'exemption.approve': 'approved',
  'exemption.reject': 'rejected',
  'exemption.expire': 'expired',
  'exemption.create': 'created',
  'exemption.revoke': 'revoked',
};

/** The audit action as a word: `exemption.approve` → `approved`. */
const verb = (action: string) =>
  verbs[action] ?? action.replace(/^exemption\./, '');

const text = (v: unknown) =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;

/**
 * What an audit entry's details say, whatever step wrote them: the
 * exemption itself (create, revoke), or a request, possibly wrapped
 * (`{request, exemption}`), with a reason, a comment and an expiry.
 */
function detailsOf(details: unknown): {
  reason?: string;
  comment?: string;
  expiresAt?: string;
} {
  if (typeof details !== 'object' || details === null) return {};
  const d = details as Record<string, unknown>;
  const inner = [d, d.request, d.exemption].filter(
    (x): x is Record<string, unknown> => typeof x === 'object' && x !== null,
  );
  const pick = (key: string) =>
    inner.map(x => text(x[key])).find(v => v !== undefined);
  return {
    reason: pick('reason'),
    comment: pick('comment'),
    expiresAt: pick('expiresAt'),
  };
}

/**
 * The entity's exemption audit trail, newest first, folded away behind its
 * count: who requested, approved, rejected, created or revoked an exemption
 * from which check, when, and why; and which ones expired.
 */
export const ExemptionHistory = ({
  audit,
  error,
  loading,
  checkInfo,
}: {
  audit?: ExemptionAuditEntry[];
  error?: Error;
  loading: boolean;
  checkInfo: Map<string, CheckInfo>;
}) => {
  const [open, setOpen] = useState(false);
  const entries = [...(audit ?? [])].reverse();
  let body;
  if (loading) {
    body = <Typography color="textSecondary">Loading…</Typography>;
  } else if (error) {
    body = (
      <Typography color="error" role="alert">
        Could not load the exemption history: {errorMessage(error)}
      </Typography>
    );
  } else if (entries.length === 0) {
    body = (
      <Typography color="textSecondary">
        No exemption has been requested or granted for this entity.
      </Typography>
    );
  } else {
    body = (
      <List dense disablePadding>
        {entries.map((entry, i) => {
          const { reason, comment, expiresAt } = detailsOf(entry.details);
          const title = checkInfo.get(entry.checkId)?.title ?? entry.checkId;
          return (
            <ListItem
              key={`${entry.at}-${i}`}
              data-testid="exemption-history-entry"
            >
              <ListItemText
                primary={
                  <>
                    {title}: exemption {verb(entry.action)}
                    {/* Expiry is the plugin's own doing, not a person's. */}
                    {entry.action !== 'exemption.expire' && (
                      <>
                        {' '}
                        by <Who entityRef={entry.actor} />
                      </>
                    )}
                  </>
                }
                secondary={[
                  utcDateTime(entry.at),
                  expiresAt && entry.action !== 'exemption.expire'
                    ? `until ${utcDay(expiresAt)}`
                    : undefined,
                  // A decision's comment is what it adds; the reason is the request's.
                  entry.action === 'exemption.approve' ||
                  entry.action === 'exemption.reject'
                    ? comment && `comment: ${comment}`
                    : reason && `reason: ${reason}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              />
            </ListItem>
          );
        })}
      </List>
    );
  }
  return (
    <Box mt={1}>
      <Button
        size="small"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        startIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
        data-testid="exemption-history-toggle"
      >
        Exemption history{audit && audit.length > 0 ? ` (${audit.length})` : ''}
      </Button>
      <Collapse in={open} unmountOnExit>
        <Box data-testid="exemption-history">{body}</Box>
      </Collapse>
    </Box>
  );
};
