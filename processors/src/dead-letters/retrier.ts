import { categoryOf, DEAD_LETTERS_CATEGORY, DeadLettered, DeadLetterRetryRequested, streamId, toEnvelope } from '@agent-platform/contracts';
import { deadLetterDecider, sendCommand } from '@agent-platform/command-api/commands';
import type { EventStore, Knex } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';
import { runOnce } from '../runtime/run.js';
import { recordDeadLetter } from './record.js';

/**
 * Hands a dead-lettered event back to its group when someone asks (`POST /dead-letters/:id/retry`): the
 * event is read from the log, not from the broker, so it is the same event whatever the broker kept.
 * Success resolves the dead letter; failure records it dead again with the new error.
 */
export const deadLetterRetrier = (deps: { store: EventStore; knex: Knex; processors: () => readonly Processor[] }): Processor => ({
  // A durable consumer name (broker consumer, inbox rows): renaming it would redeliver or lose requests.
  group: 'dead-letter-retrier',
  types: [DeadLetterRetryRequested.type],
  handle: async (request, context) => {
    const { dead_letter_id } = DeadLetterRetryRequested.schema.parse(request.data);
    const stream = streamId(DEAD_LETTERS_CATEGORY, dead_letter_id);
    const history = await deps.store.readStream(stream);
    const last = [...history].reverse().find((e) => e.type === DeadLettered.type);
    if (!last) return;
    const dead = DeadLettered.schema.parse(last.data);
    const processor = deps.processors().find((p) => p.group === dead.consumer_group);
    const [original] = await deps.store.readStream(dead.event_stream_id, {
      fromVersion: dead.event_stream_version,
      toVersion: dead.event_stream_version,
    });
    if (!processor || !original) return; // the group is gone from this deployment: leave it retrying, visibly
    const event = toEnvelope(original, categoryOf(original.type));
    try {
      await runOnce(deps.knex, processor, event, dead.attempts + 1);
    } catch (error) {
      await recordDeadLetter(deps.store, dead.consumer_group, event, dead.attempts + 1, error);
      return;
    }
    await sendCommand(
      deps.store,
      deadLetterDecider,
      stream,
      { type: 'ResolveDeadLetter', data: { dead_letter_id, workspace_id: request.workspaceid } },
      context.commandContext('resolve'),
      { retryOnConflict: 5 },
    );
  },
});
