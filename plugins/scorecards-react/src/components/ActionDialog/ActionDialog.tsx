import { ReactNode, useId, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../../errors';

/**
 * Props of {@link ActionDialog}.
 *
 * @public
 */
export interface ActionDialogProps {
  /** Whether the dialog is shown. */
  open: boolean;
  /** The title, also the dialog's accessible name. */
  title: ReactNode;
  /** What the action does, above the fields. */
  description?: ReactNode;
  /** The fields the action needs, if any. */
  children?: ReactNode;
  /** The action button's label, e.g. `Send`. */
  action: string;
  /** The action button's label while the action runs; `action` by default. */
  actionRunning?: string;
  /** `secondary` for an action that cannot be undone; `primary` by default. */
  actionColor?: 'primary' | 'secondary';
  /** True while the fields do not allow the action. */
  actionDisabled?: boolean;
  /**
   * Does the action. While it runs both buttons are disabled and the dialog
   * does not close; what it throws is shown in the dialog, which stays open.
   */
  onAction: () => Promise<void>;
  /** Cancel, Escape or a click outside; never while the action runs. */
  onClose: () => void;
  /** How a thrown error reads; {@link errorMessage} by default. */
  describeError?: (error: unknown) => string;
  /** Full width up to `sm`; true by default. */
  fullWidth?: boolean;
}

/**
 * A dialog that does one thing on request: a title, what it does, the fields
 * it needs, Cancel and the action button. The server's refusal is shown as an
 * alert inside the dialog, so the person can change the fields and try again.
 *
 * @public
 */
export const ActionDialog = ({
  open,
  title,
  description,
  children,
  action,
  actionRunning = action,
  actionColor = 'primary',
  actionDisabled = false,
  onAction,
  onClose,
  describeError = errorMessage,
  fullWidth = true,
}: ActionDialogProps) => {
  const titleId = useId();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();

  const close = () => {
    if (running) return;
    setError(undefined);
    onClose();
  };

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      await onAction();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      fullWidth={fullWidth}
      maxWidth="sm"
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        {description && <DialogContentText>{description}</DialogContentText>}
        {children}
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={running}>
          Cancel
        </Button>
        <Button
          color={actionColor}
          variant="contained"
          onClick={run}
          disabled={running || actionDisabled}
        >
          {running ? actionRunning : action}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
