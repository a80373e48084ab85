import { expect } from 'chai';
import type { DomainEvent, EventMetadata } from '@agent-platform/contracts';
import type { Decider, Evolvable } from '../decider.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * given(events).when(command).then(events) | .thenThrows(ErrorClass, code): a decider's rules as
 * specifications, with no I/O. Given events default to the `public` workspace.
 */
export const deciderSpecification = <S, C, E extends DomainEvent>(decider: Decider<S, C, E>) => ({
  given: (events: (E & { metadata?: EventMetadata })[]) => ({
    when: (command: C) => {
      const run = () => {
        const state = events.reduce(
          (s, e) => decider.evolve(s, { ...e, metadata: e.metadata ?? { workspace_id: 'public' } } as Evolvable<E>),
          decider.initialState(),
        );
        return decider.decide(command, state);
      };
      return {
        then: (expected: E[]) => expect(run()).to.deep.equal(expected),
        thenThrows: (errorClass: ErrorClass, code?: string) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught, 'the decider should have refused the command').to.be.instanceOf(errorClass);
          if (code) expect((caught as { code?: string }).code).to.equal(code);
        },
      };
    },
  }),
});
