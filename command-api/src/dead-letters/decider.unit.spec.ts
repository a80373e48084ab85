import { ConflictError, NotFoundError, type DeadLetterEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { deadLetterDecider } from './decider.js';

const D = '3f0a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const E = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const failure = {
  consumer_group: 'agents',
  event_id: E,
  event_type: 'SessionOpened',
  event_stream_id: `session-${E}`,
  event_stream_version: 1,
  event_global_position: 42,
  attempts: 5,
  error: { name: 'Error', message: 'boom' },
};
const dead: DeadLetterEvent = { type: 'DeadLettered', data: { dead_letter_id: D, ...failure } };
const retrying: DeadLetterEvent = { type: 'DeadLetterRetryRequested', data: { dead_letter_id: D } };
const resolved: DeadLetterEvent = { type: 'DeadLetterResolved', data: { dead_letter_id: D } };
const spec = deciderSpecification(deadLetterDecider);
const record = { type: 'RecordDeadLetter', data: { dead_letter_id: D, workspace_id: 'public', ...failure } } as const;
const retry = (workspace_id = 'public') => ({ type: 'RequestDeadLetterRetry', data: { dead_letter_id: D, workspace_id } }) as const;
const resolve = { type: 'ResolveDeadLetter', data: { dead_letter_id: D, workspace_id: 'public' } } as const;

describe('dead-letter decider', () => {
  it('records a first failure', () => spec.given([]).when(record).then([dead]));
  it('records a dead letter once, however often it is reported', () => spec.given([dead]).when(record).then([]));
  it('records a retried event that failed again', () => spec.given([dead, retrying]).when(record).then([dead]));
  it('re-queues a dead letter', () => spec.given([dead]).when(retry()).then([retrying]));
  it('refuses to re-queue one that is already retrying', () => spec.given([dead, retrying]).when(retry()).thenThrows(ConflictError));
  it('does not know a dead letter of another workspace', () => spec.given([dead]).when(retry('other')).thenThrows(NotFoundError));
  it('does not know one that does not exist', () => spec.given([]).when(retry()).thenThrows(NotFoundError));
  it('resolves a retrying dead letter', () => spec.given([dead, retrying]).when(resolve).then([resolved]));
  it('ignores a resolution of one that is not retrying', () => spec.given([dead]).when(resolve).then([]));
});
