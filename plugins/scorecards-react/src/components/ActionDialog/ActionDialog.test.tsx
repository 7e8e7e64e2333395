import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { ActionDialog, ActionDialogProps } from './ActionDialog';

/** An action that never finishes, so the dialog stays in its running state. */
const never = () => new Promise<void>(() => {});

const renderDialog = (props: Partial<ActionDialogProps> = {}) => {
  const onClose = jest.fn();
  const onAction = jest.fn(props.onAction ?? (async () => {}));
  const all: ActionDialogProps = {
    open: true,
    title: 'Archive "Q4 · Käse\\Brot"',
    description: 'Owners stop seeing it.',
    action: 'Archive',
    actionRunning: 'Archiving…',
    ...props,
    onAction,
    onClose,
  };
  const view = render(<ActionDialog {...all} />);
  const rerender = (changed: Partial<ActionDialogProps>) =>
    view.rerender(<ActionDialog {...all} {...changed} />);
  return { onAction, onClose, rerender };
};

const button = (name: string) => screen.getByRole('button', { name });

describe('ActionDialog', () => {
  it('is named by its title and shows the description and the fields', () => {
    renderDialog({ children: <input aria-label="Reason" /> });
    const dialog = screen.getByRole('dialog', {
      name: 'Archive "Q4 · Käse\\Brot"',
    });
    expect(dialog).toHaveTextContent('Owners stop seeing it.');
    expect(screen.getByRole('textbox', { name: 'Reason' })).toBeEnabled();
    expect(button('Cancel')).toBeEnabled();
    expect(button('Archive')).toBeEnabled();
  });

  it('disables only the action button while the fields do not allow it', () => {
    const { onAction } = renderDialog({ actionDisabled: true });
    expect(button('Archive')).toBeDisabled();
    expect(button('Cancel')).toBeEnabled();
    fireEvent.click(button('Archive'));
    expect(onAction).not.toHaveBeenCalled();
  });

  it('while the action runs, disables both buttons, shows the running label and does not close', async () => {
    const { onAction, onClose } = renderDialog({ onAction: never });
    fireEvent.click(button('Archive'));
    expect(
      await screen.findByRole('button', { name: 'Archiving…' }),
    ).toBeDisabled();
    expect(button('Cancel')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Archive' })).toBeNull();

    fireEvent.click(button('Cancel'));
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    fireEvent.click(document.querySelector('.MuiBackdrop-root')!);
    fireEvent.click(button('Archiving…'));

    expect(onClose).not.toHaveBeenCalled();
    expect(onAction).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('closes on Cancel and Escape when no action runs', () => {
    const { onClose } = renderDialog();
    fireEvent.click(button('Cancel'));
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('runs the action and offers it again when it succeeds', async () => {
    const { onAction, onClose } = renderDialog();
    fireEvent.click(button('Archive'));
    await waitFor(() => expect(button('Archive')).toBeEnabled());
    expect(onAction).toHaveBeenCalledTimes(1);
    expect(button('Cancel')).toBeEnabled();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows what the action throws as an alert and stays open', async () => {
    const { onClose } = renderDialog({
      onAction: async () => {
        throw new Error('Campaign "Q4" is «locked» \\ try later');
      },
    });
    fireEvent.click(button('Archive'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Campaign "Q4" is «locked» \\ try later',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(button('Archive')).toBeEnabled();
    expect(button('Cancel')).toBeEnabled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("shows a ResponseError's server message by default", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message: 'Already archived' },
        request: { method: 'POST', url: '/campaigns/q4/archive' },
        response: { statusCode: 409 },
      }),
      {
        status: 409,
        statusText: 'Conflict',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    renderDialog({
      onAction: async () => {
        throw error;
      },
    });
    fireEvent.click(button('Archive'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^Already archived$/,
    );
  });

  it('shows the error as describeError words it', async () => {
    const describeError = jest.fn((e: unknown) => `Not archived: ${e}`);
    renderDialog({
      describeError,
      onAction: async () => {
        throw new Error('boom');
      },
    });
    fireEvent.click(button('Archive'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^Not archived: Error: boom$/,
    );
    expect(describeError).toHaveBeenCalledWith(new Error('boom'));
  });

  it('clears the error when the action runs again', async () => {
    let fail = true;
    renderDialog({
      onAction: async () => {
        if (fail) throw new Error('Try again');
        await never();
      },
    });
    fireEvent.click(button('Archive'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again');
    fail = false;
    fireEvent.click(button('Archive'));
    await screen.findByRole('button', { name: 'Archiving…' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('clears the error when closed, so it is gone on reopening', async () => {
    const { onClose, rerender } = renderDialog({
      onAction: async () => {
        throw new Error('Refused');
      },
    });
    fireEvent.click(button('Archive'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Refused');
    fireEvent.click(button('Cancel'));
    expect(onClose).toHaveBeenCalledTimes(1);
    rerender({ open: false });
    rerender({ open: true });
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
