import type { DomainEvent, PublishIntegrationEventBody } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * Another system's event, recorded as it was sent: its type is the sender's `event_type`. There is no
 * rule to keep, so the stream's past is never needed.
 */
export const integrationDecider: Decider<null, { type: 'PublishIntegrationEvent'; data: PublishIntegrationEventBody }, DomainEvent> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: ({ data: { event_type, ...data } }) => [{ type: event_type, data }],
};
