import { SealedContent } from '@agent-platform/contracts';
import { openContent, type DataKeys } from '@agent-platform/infra';

/** The newest content sealed in a stream's events: each write or update of sealed content carries the whole of it. */
export const newestSealed = (events: readonly { data: unknown }[]): SealedContent | undefined => {
  let sealed: SealedContent | undefined;
  for (const event of events) {
    const content = (event.data as { content?: unknown }).content;
    if (content) sealed = SealedContent.parse(content);
  }
  return sealed;
};

/** That content opened with its subject's key, as an update that changes part of it starts from; none when there is none, or it is erased or does not open. */
export const openNewest = async (dataKeys: DataKeys, ref: { workspaceId: string; subject: string }, events: readonly { data: unknown }[]): Promise<unknown> => {
  const sealed = newestSealed(events);
  if (!sealed) return undefined;
  const opened = openContent(await dataKeys.getKey(ref), sealed);
  return opened.status === 'opened' ? opened.content : undefined;
};
