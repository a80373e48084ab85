import { ConflictError, NotFoundError, type DeadLetterCommand, type DeadLetterEvent, type DeadLetterStatus } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type DeadLetterState =
  | { status: 'none' }
  | { status: DeadLetterStatus; workspaceId: string };

export const deadLetterDecider: Decider<DeadLetterState, DeadLetterCommand, DeadLetterEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'DeadLettered':
        return { status: 'dead', workspaceId: state.status === 'none' ? event.metadata.workspace_id : state.workspaceId };
      case 'DeadLetterRetryRequested':
        return state.status === 'none' ? state : { ...state, status: 'retrying' };
      case 'DeadLetterResolved':
        return state.status === 'none' ? state : { ...state, status: 'resolved' };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'RecordDeadLetter': {
        // A first failure, or a retried event failing again; a dead letter already dead is recorded once.
        if (state.status === 'dead') return [];
        const { workspace_id: _workspace, ...data } = command.data;
        return [{ type: 'DeadLettered', data }];
      }
      case 'RequestDeadLetterRetry': {
        const { dead_letter_id, workspace_id } = command.data;
        if (state.status === 'none' || state.workspaceId !== workspace_id) {
          throw new NotFoundError('DEAD_LETTER_NOT_FOUND', `dead letter ${dead_letter_id} does not exist in this workspace`);
        }
        if (state.status !== 'dead') {
          throw new ConflictError('DEAD_LETTER_NOT_DEAD', `dead letter ${dead_letter_id} is ${state.status}, not dead`);
        }
        return [{ type: 'DeadLetterRetryRequested', data: { dead_letter_id } }];
      }
      case 'ResolveDeadLetter':
        return state.status === 'retrying' ? [{ type: 'DeadLetterResolved', data: { dead_letter_id: command.data.dead_letter_id } }] : [];
    }
  },
};
