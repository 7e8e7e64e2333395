import { useState } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  CheckStatus,
  EntityScorecardResult,
  Exemption,
  ExemptionRequest,
  notFailing,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  errorMessage,
  isNotAllowed,
  scorecardsApiRef,
} from '@convergence/backstage-plugin-scorecards-react';
import { useApi } from '@backstage/core-plugin-api';
import { utcDay } from './time';

/** A user ref as a link (`mei` for `user:default/mei`); anything else as text. */
export const Who = ({ entityRef }: { entityRef: string }) =>
  /^[^:/]+:[^/]+\/.+$/.test(entityRef) ? (
    <EntityRefLink entityRef={entityRef} defaultKind="user" hideIcon />
  ) : (
    <>{entityRef}</>
  );

/** What the card's exemption actions answered, for the card to keep. */
export interface ExemptionAnswer {
  request?: ExemptionRequest;
  exemption?: Exemption;
  results?: EntityScorecardResult[];
}

const isActive = (e: Exemption, now: number) =>
  new Date(e.expiresAt).getTime() > now;

/** The exemption currently covering a check (the one lasting longest), if any. */
export function activeExemption(
  exemptions: Exemption[],
  checkId: string,
  now: number,
): Exemption | undefined {
  return exemptions
    .filter(e => e.checkId === checkId && isActive(e, now))
    .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
}

/** The latest expired exemption of a check, when none covers it now. */
export function expiredExemption(
  exemptions: Exemption[],
  checkId: string,
  now: number,
): Exemption | undefined {
  if (activeExemption(exemptions, checkId, now)) return undefined;
  return exemptions
    .filter(e => e.checkId === checkId)
    .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
}

/**
 * Why the backend would refuse to approve a request for a check now (a 409,
 * leaving it pending), as the card says it. Like the backend, it weighs the
 * check's statuses in all the entity's results but `na` (`gradedStatuses`):
 * none failing (or exempt) means it passes or is unknown (a fact provider
 * failed); then an unexpired exemption covering it already. No status at all
 * says nothing either way. Undefined when it may be approved.
 */
function approvalRefusal(
  gradedStatuses: CheckStatus[],
  covering: Exemption | undefined,
): string | undefined {
  const then = 'reject or withdraw this request';
  const reason = notFailing(gradedStatuses);
  if (reason)
    return reason === 'pass'
      ? `Passes now: ${then}`
      : `Unknown now (its facts could not be read): it can be approved once the check fails; ${then}`;
  if (covering)
    return `Exempt until ${utcDay(covering.expiresAt)} already: ${then}`;
  return undefined;
}

type Decision = 'approve' | 'reject';

/** The decision buttons of a pending request, in order. */
const DECISIONS: ReadonlyArray<{
  decision: Decision;
  label: string;
  busyLabel: string;
  variant: 'contained' | 'outlined';
  color?: 'primary';
}> = [
  {
    decision: 'approve',
    label: 'Approve',
    busyLabel: 'Approving…',
    variant: 'contained',
    color: 'primary',
  },
  {
    decision: 'reject',
    label: 'Reject',
    busyLabel: 'Rejecting…',
    variant: 'outlined',
  },
];

/**
 * A pending request with, for those who may decide, Approve and Reject; to
 * its requester (four eyes: another must approve it), Withdraw alone. No
 * Approve while `refusal` says why the backend would refuse it.
 */
const PendingRequest = ({
  request,
  canDecide,
  userRef,
  selfApproval,
  refusal,
  onDecided,
}: {
  request: ExemptionRequest;
  canDecide: boolean;
  userRef?: string;
  selfApproval: boolean;
  refusal?: string;
  onDecided: (answer: ExemptionAnswer) => void;
}) => {
  const api = useApi(scorecardsApiRef);
  const own =
    userRef !== undefined &&
    request.requestedBy.toLowerCase() === userRef.toLowerCase();
  const fourEyes = own && !selfApproval;
  // Approve and Reject for those who may decide (not the requester, unless
  // selfApproval is on; nothing until the signed-in user is known); Withdraw
  // (a rejection) alone for the requester otherwise.
  let decisions: typeof DECISIONS = [];
  if (canDecide && !fourEyes && (userRef !== undefined || selfApproval))
    decisions = refusal
      ? DECISIONS.filter(d => d.decision !== 'approve')
      : DECISIONS;
  else if (own)
    decisions = [
      { ...DECISIONS[1], label: 'Withdraw', busyLabel: 'Withdrawing…' },
    ];
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Decision>();
  const [error, setError] = useState<string>();

  const decide = async (decision: Decision) => {
    setBusy(decision);
    setError(undefined);
    const options = comment.trim() ? { comment: comment.trim() } : {};
    try {
      const answer =
        decision === 'approve'
          ? await api.approveExemptionRequest(request.id, options)
          : await api.rejectExemptionRequest(request.id, options);
      onDecided(answer);
    } catch (e) {
      setError(
        isNotAllowed(e)
          ? `You may not ${decision} exemptions for this entity`
          : errorMessage(e),
      );
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Box
      mt={1}
      p={1}
      border={1}
      borderColor="divider"
      borderRadius={4}
      data-testid={`exemption-request-${request.checkId}`}
    >
      <Typography variant="body2">
        <strong>Exemption requested · pending</strong>
      </Typography>
      <Typography variant="body2" color="textSecondary">
        by <Who entityRef={request.requestedBy} /> on{' '}
        {utcDay(request.requestedAt)}, until {utcDay(request.expiresAt)}:{' '}
        {request.reason}
      </Typography>
      {decisions.length > 0 && (
        <Box display="flex" alignItems="center" gridGap={8} mt={1}>
          <TextField
            id={`exemption-comment-${request.id}`}
            size="small"
            variant="outlined"
            label="Comment (optional)"
            value={comment}
            onChange={e => setComment(e.target.value)}
            inputProps={{
              'data-testid': `exemption-comment-${request.checkId}`,
              maxLength: 10000,
            }}
          />
          {decisions.map(d => (
            <Button
              key={d.decision}
              size="small"
              variant={d.variant}
              color={d.color}
              disabled={!!busy}
              onClick={() => decide(d.decision)}
              data-testid={`${d.decision}-exemption-${request.checkId}`}
            >
              {busy === d.decision ? d.busyLabel : d.label}
            </Button>
          ))}
        </Box>
      )}
      {refusal && decisions.length > 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid={`unapprovable-${request.checkId}`}
        >
          {refusal}
        </Typography>
      )}
      {canDecide && fourEyes && !refusal && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid={`own-exemption-request-${request.checkId}`}
        >
          You requested this exemption: another owner or an admin must approve
          it.
        </Typography>
      )}
      {error && (
        <Typography variant="body2" color="error" role="alert">
          {error}
        </Typography>
      )}
    </Box>
  );
};

/**
 * A check's exemption state under its row: the exemption covering it (and
 * who approved it), an expired one, a pending request (with Approve and
 * Reject for those who may decide, Withdraw alone for its requester; no
 * Approve while the check passes, is unknown or an exemption covers it), the
 * last rejection, and "Request exemption" on a failing check without a
 * pending request or an exemption covering it (one created directly covers
 * it before the entity is graded again).
 */
export const CheckExemption = ({
  checkId,
  status,
  gradedStatuses,
  requests,
  exemptions,
  canDecide,
  userRef,
  selfApproval,
  now,
  onRequest,
  onAnswer,
  onRevoke,
}: {
  checkId: string;
  status: CheckStatus;
  /** The check's statuses in all the entity's results but `na`. */
  gradedStatuses: CheckStatus[];
  /** This check's requests, newest first. */
  requests: ExemptionRequest[];
  exemptions: Exemption[];
  canDecide: boolean;
  /** The signed-in user's ref, once known. */
  userRef?: string;
  /** `scorecards.exemptions.selfApproval`: a requester who may decide may approve their own. */
  selfApproval: boolean;
  now: number;
  onRequest: () => void;
  onAnswer: (answer: ExemptionAnswer) => void;
  onRevoke: (exemption: Exemption) => Promise<void>;
}) => {
  const [revoking, setRevoking] = useState(false);
  const active = activeExemption(exemptions, checkId, now);
  // An expiry matters while the check does not pass on its own.
  const expired =
    status === 'pass' || status === 'na'
      ? undefined
      : expiredExemption(exemptions, checkId, now);
  const pending = requests.find(r => r.status === 'pending');
  const latest = requests[0];
  const rejected =
    !pending && latest?.status === 'rejected' && status !== 'exempt'
      ? latest
      : undefined;

  return (
    <>
      {active && status !== 'na' && (
        <Box
          display="flex"
          alignItems="center"
          gridGap={8}
          data-testid={`exemption-${checkId}`}
        >
          <Typography variant="body2">
            exempt until {utcDay(active.expiresAt)} ·{' '}
            {active.approvedBy ? (
              <>
                approved by <Who entityRef={active.approvedBy} />
              </>
            ) : (
              <>
                by <Who entityRef={active.author} />
              </>
            )}
            {active.reason ? ` — ${active.reason}` : ''}
          </Typography>
          {canDecide && (
            <Button
              size="small"
              disabled={revoking}
              onClick={async () => {
                setRevoking(true);
                try {
                  await onRevoke(active);
                } finally {
                  setRevoking(false);
                }
              }}
              data-testid={`revoke-exemption-${checkId}`}
            >
              {revoking ? 'Revoking…' : 'Revoke'}
            </Button>
          )}
        </Box>
      )}
      {expired && (
        <Box mt={0.5}>
          <Chip
            size="small"
            label="Exemption expired"
            title={`Expired on ${utcDay(expired.expiresAt)}`}
            data-testid={`exemption-expired-${checkId}`}
          />
        </Box>
      )}
      {pending && (
        <PendingRequest
          request={pending}
          canDecide={canDecide}
          userRef={userRef}
          selfApproval={selfApproval}
          refusal={approvalRefusal(gradedStatuses, active)}
          onDecided={onAnswer}
        />
      )}
      {rejected && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid={`exemption-rejected-${checkId}`}
        >
          Exemption request rejected by{' '}
          {rejected.decidedBy ? <Who entityRef={rejected.decidedBy} /> : '—'}
          {rejected.decidedAt ? ` on ${utcDay(rejected.decidedAt)}` : ''}
          {rejected.comment ? `: ${rejected.comment}` : ''}
        </Typography>
      )}
      {/* What the backend takes: a failing check no exemption covers yet. */}
      {status === 'fail' && !pending && !active && (
        <Box mt={0.5}>
          <Button
            size="small"
            variant="outlined"
            onClick={onRequest}
            data-testid={`request-exemption-${checkId}`}
          >
            Request exemption
          </Button>
        </Box>
      )}
    </>
  );
};
