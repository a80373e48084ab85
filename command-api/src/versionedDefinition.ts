import { ConflictError, NotFoundError, type DomainEvent, type VersionedDefinition } from '@agent-platform/contracts';
import type { Decider, Evolvable } from './decider.js';

/** A versioned definition as its decider knows it: the status of each version, in version order. */
export type DefinitionState<Status extends string> =
  | { status: 'none' }
  | { status: 'exists'; workspaceId: string; versions: Record<string, Status>; versionCount: number };

type Command = { type: string; data: { workspace_id: string } };

/** The lookups that answer 404: a definition of another workspace is one that does not exist. */
export const definitionLookups = <Status extends string>({ noun, errorPrefix }: Pick<VersionedDefinition, 'noun' | 'errorPrefix'>) => ({
  existing: (state: DefinitionState<Status>, id: string, workspaceId: string) => {
    if (state.status === 'none' || state.workspaceId !== workspaceId) {
      throw new NotFoundError(`${errorPrefix}_NOT_FOUND`, `${noun} ${id} does not exist in this workspace`);
    }
    return state;
  },
  versionOf: (state: DefinitionState<Status> & { status: 'exists' }, versionId: string): Status => {
    const status = state.versions[versionId];
    if (!status) throw new NotFoundError(`${errorPrefix}_VERSION_NOT_FOUND`, `${noun} version ${versionId} does not exist`);
    return status;
  },
});

/** A definition whose command and event names are those of the decider's unions, checked by the compiler. */
type DefinitionOf<C extends Command, E extends DomainEvent, Status extends string> = VersionedDefinition & {
  commands: Record<keyof VersionedDefinition['commands'], C['type']>;
  events: Record<keyof VersionedDefinition['events'], E['type']>;
  retire: { status: Status };
};

/** How a version is retired, beyond its names: an agent's is archived from any status, a tool's deprecated once published. */
export type RetireRule<Status extends string> = {
  /** The statuses a version may be retired from. */
  from: readonly Status[];
  refusal: (versionId: string, current: Status) => ConflictError;
};

/**
 * The decider every versioned definition shares. The id derives from the workspace and the code, so a
 * code is taken at most once; versions are numbered from 1 and start as drafts unless asked otherwise;
 * only a draft is published. A version event carries the command's definition, less the workspace (in
 * the metadata) and the status (which has events of its own).
 */
export const versionedDefinitionDecider = <C extends Command, E extends DomainEvent, Status extends string>(
  definition: DefinitionOf<C, E, Status>,
  rule: RetireRule<Status>,
): Decider<DefinitionState<Status>, C, E> => {
  const { noun, article, errorPrefix, idField, typeField, commands, events } = definition;
  const retire = { ...definition.retire, ...rule };
  const { existing, versionOf } = definitionLookups<Status>(definition);
  const withVersion = (state: DefinitionState<Status>, versionId: string, status: Status): DefinitionState<Status> =>
    state.status === 'none' ? state : { ...state, versions: { ...state.versions, [versionId]: status } };
  const event = (type: E['type'], data: Record<string, unknown>) => ({ type, data }) as E;
  const statusEvent = (type: E['type'], data: Record<string, unknown>) => event(type, { [idField]: data[idField], version_id: data.version_id });

  return {
    initialState: () => ({ status: 'none' }),

    evolve: (state, e: Evolvable<E>) => {
      const data = e.data as { version_id: string; version_no: number };
      switch (e.type) {
        case events.created:
          return { status: 'exists', workspaceId: e.metadata.workspace_id, versions: {}, versionCount: 0 };
        case events.versionCreated:
          return state.status === 'none' ? state : { ...withVersion(state, data.version_id, 'draft' as Status), versionCount: data.version_no };
        case events.published:
          return withVersion(state, data.version_id, 'published' as Status);
        case events.retired:
          return withVersion(state, data.version_id, retire.status);
        default:
          return state;
      }
    },

    decide: (command, state) => {
      const data = command.data as Record<string, unknown> & { workspace_id: string; version_id: string; code: string };
      const id = data[idField] as string;
      switch (command.type) {
        case commands.create: {
          if (state.status !== 'none') throw new ConflictError(`${errorPrefix}_CODE_TAKEN`, `${article} ${noun} with code ${data.code} already exists in this workspace`);
          const { code, name, description } = data;
          return [event(events.created, { [idField]: id, code, name, [typeField]: data[typeField], description: description ?? null })];
        }
        case commands.createVersion: {
          const { workspace_id, status, ...version } = data;
          const created = event(events.versionCreated, { ...version, version_no: existing(state, id, workspace_id).versionCount + 1 });
          if (status === 'published') return [created, statusEvent(events.published, data)];
          if (status === retire.status) return [created, statusEvent(events.retired, data)];
          return [created];
        }
        case commands.publish: {
          const current = versionOf(existing(state, id, data.workspace_id), data.version_id);
          if (current !== 'draft') throw new ConflictError(`${errorPrefix}_VERSION_NOT_DRAFT`, `${noun} version ${data.version_id} is ${current}; only a draft is published`);
          return [statusEvent(events.published, data)];
        }
        case commands.retire: {
          const current = versionOf(existing(state, id, data.workspace_id), data.version_id);
          if (!retire.from.includes(current)) throw retire.refusal(data.version_id, current);
          return [statusEvent(events.retired, data)];
        }
        default:
          throw new Error(`${noun} decider was given a command it does not know: ${command.type}`);
      }
    },
  };
};
