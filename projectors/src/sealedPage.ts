import type { RecordedEvent, SealedContent } from '@agent-platform/contracts';
import { openContent } from '@agent-platform/infra';
import type { Projector } from './projector.js';

/**
 * A projection of sealed content (memories, documents): `prepare` opens each of a page's sealed contents with
 * its subject's data key, once per page; `openedIn` gives a projection the content of its event, or
 * `undefined` when its key is destroyed (a rebuild after erasure: there is nothing to show) or it does not
 * open. `subjectOf` names the key: `memory:<id>`; `parse` checks what was opened.
 */
export const sealedPage = <T>(options: {
  projection: string;
  sealedOf: (event: RecordedEvent) => SealedContent | undefined;
  subjectOf: (event: RecordedEvent) => string;
  parse: (content: unknown) => T;
}) => {
  const prepare: NonNullable<Projector['prepare']> = async (events, { dataKeys }) => {
    const opened = new Map<string, T | undefined>();
    for (const event of events) {
      const sealed = options.sealedOf(event);
      if (!sealed) continue;
      if (!dataKeys) throw new Error(`the ${options.projection} projection needs the data keys (ProjectionServices.dataKeys)`);
      const result = openContent(await dataKeys.getKey({ workspaceId: event.metadata.workspace_id, subject: options.subjectOf(event) }), sealed);
      opened.set(event.event_id, result.status === 'opened' ? options.parse(result.content) : undefined);
    }
    return opened;
  };
  const openedIn = (prepared: unknown, event: RecordedEvent): T | undefined => (prepared as ReadonlyMap<string, T | undefined>).get(event.event_id);
  return { prepare, openedIn };
};
