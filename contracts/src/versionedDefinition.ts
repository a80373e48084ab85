type Names<K extends string> = { readonly [key in K]: string };

/** Any versioned definition, as the packages' factories take it; `versionedDefinition` gives the precise names. */
export type VersionedDefinition = {
  readonly noun: string;
  readonly article: 'a' | 'an';
  readonly plural: string;
  readonly errorPrefix: string;
  readonly idField: string;
  readonly typeField: string;
  readonly commands: Names<'create' | 'createVersion' | 'publish' | 'retire'>;
  readonly events: Names<'created' | 'versionCreated' | 'published' | 'retired'>;
  readonly retire: { readonly verb: string; readonly past: string; readonly status: string; readonly summary: string };
};

/**
 * A versioned definition (tool, agent, later skill and team): a code unique in its workspace, and
 * versions that are drafts, published, or retired. Every name the packages use for one derives from its
 * noun, so the next definition states only what is its own: its article and how a version is retired.
 */
export const versionedDefinition = <N extends string, Verb extends string, Past extends string, Status extends string>(
  noun: N,
  own: {
    article: 'a' | 'an';
    /** `Archive`, `Archived`, `archived`: the command's verb, the event's participle, the version status. */
    retire: { verb: Verb; past: Past; status: Status; summary: string };
  },
) => {
  const Noun = `${noun.charAt(0).toUpperCase()}${noun.slice(1)}` as Capitalize<N>;
  const { verb, past } = own.retire;
  return {
    noun,
    article: own.article,
    plural: `${noun}s` as `${N}s`,
    errorPrefix: noun.toUpperCase() as Uppercase<N>,
    idField: `${noun}_id` as `${N}_id`,
    typeField: `${noun}_type` as `${N}_type`,
    commands: {
      create: `Create${Noun}` as `Create${Capitalize<N>}`,
      createVersion: `Create${Noun}Version` as `Create${Capitalize<N>}Version`,
      publish: `Publish${Noun}Version` as `Publish${Capitalize<N>}Version`,
      retire: `${verb}${Noun}Version` as `${Verb}${Capitalize<N>}Version`,
    },
    events: {
      created: `${Noun}Created` as `${Capitalize<N>}Created`,
      versionCreated: `${Noun}VersionCreated` as `${Capitalize<N>}VersionCreated`,
      published: `${Noun}VersionPublished` as `${Capitalize<N>}VersionPublished`,
      retired: `${Noun}Version${past}` as `${Capitalize<N>}Version${Past}`,
    },
    retire: own.retire,
  } as const satisfies VersionedDefinition;
};

