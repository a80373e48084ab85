import type { DomainEvent, EventMetadata } from '@agent-platform/contracts';

/** An event as a decider folds it: its type and data, plus who caused it and where. */
export type Evolvable<E extends DomainEvent> = E & { metadata: EventMetadata };

/** Three pure functions, nothing else: all of a domain's rules, with no I/O. */
export type Decider<State, Command, Event extends DomainEvent> = {
  initialState: () => State;
  evolve: (state: State, event: Evolvable<Event>) => State;
  decide: (command: Command, state: State) => Event[];
};

/** Folds events into a state: events read from a stream, or just decided and given their metadata. */
export const evolveAll = <S, E extends DomainEvent>(
  decider: { evolve: (state: S, event: Evolvable<E>) => S },
  state: S,
  events: readonly { type: string; data: unknown; metadata: EventMetadata }[],
): S => events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data, metadata: e.metadata } as Evolvable<E>), state);
