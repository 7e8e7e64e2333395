import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';

/** A pipeline run's state with the matching Backstage status indicator. */
export const RunStatus = ({ status }: { status: string }) => {
  const s = status.toLocaleLowerCase('en-US');
  if (['succeeded', 'success', 'completed', 'finished'].includes(s)) {
    return <StatusOK>{status}</StatusOK>;
  }
  if (['failed', 'failure', 'error'].includes(s)) {
    return <StatusError>{status}</StatusError>;
  }
  if (['running', 'started'].includes(s)) {
    return <StatusRunning>{status}</StatusRunning>;
  }
  if (['pending', 'queued', 'scheduled'].includes(s)) {
    return <StatusPending>{status}</StatusPending>;
  }
  if (['cancelled', 'canceled', 'skipped', 'terminated'].includes(s)) {
    return <StatusAborted>{status}</StatusAborted>;
  }
  return <StatusWarning>{status}</StatusWarning>;
};
