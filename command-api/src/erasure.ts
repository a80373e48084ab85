import type { DomainEvent } from '@agent-platform/contracts';
import type { AppendResult } from '@agent-platform/infra';
import type { Decider } from './decider.js';
import { loadState, type CommandContext } from './handler.js';
import type { CommandDeps } from './http.js';

/**
 * Erases content (destroys its data keys), then records that it did, in that order: there is no moment at
 * which the log says "forgotten" while the content still opens. The command is first decided against the
 * stream as it stands, so one refused (404 in another workspace, 409 when already erased) destroys nothing.
 */
export const eraseThenRecord = async <S, C, E extends DomainEvent>(
  deps: Pick<CommandDeps, 'store' | 'handle'>,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  context: CommandContext,
  erase: () => Promise<unknown>,
): Promise<AppendResult> => {
  decider.decide(command, await loadState(deps.store, decider, streamId));
  await erase();
  // The content is gone now: a processor's append to the stream meanwhile must not leave that unrecorded.
  return deps.handle(decider, streamId, command, context, { retryOnConflict: 5 });
};
