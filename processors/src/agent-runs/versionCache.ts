/** Versions never change once created, so what is read or built per version id is kept, up to this many (oldest out first). */
const CACHED_VERSIONS = 1000;

export const remember = <V>(cache: Map<string, V>, versionId: string, value: V): V => {
  if (cache.size >= CACHED_VERSIONS) cache.delete(cache.keys().next().value!);
  cache.set(versionId, value);
  return value;
};
