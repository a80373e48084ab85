import { SKILLS_CATEGORY, streamId } from '@agent-platform/contracts';
import { evolveAll, skillDecider, type SkillVersionDefinition } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import { remember } from '../agent-runs/versionCache.js';

/**
 * A run reads its version from the skill's stream, not from a read model: a run queued right after its
 * version was created must find it, whatever the projectors' lag. Versions never change, so each is read once.
 */
export const createSkillVersions = (store: EventStore) => {
  const cache = new Map<string, SkillVersionDefinition>();
  return async (skillId: string, versionId: string): Promise<SkillVersionDefinition | undefined> => {
    const known = cache.get(versionId);
    if (known) return known;
    const events = await store.readStream(streamId(SKILLS_CATEGORY, skillId));
    const version = evolveAll(skillDecider, skillDecider.initialState(), events).versions[versionId];
    return version ? remember(cache, versionId, version) : undefined;
  };
};
export type SkillVersions = ReturnType<typeof createSkillVersions>;
