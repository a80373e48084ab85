import type { Knex } from '@agent-platform/infra';

/** Okapi BM25's two knobs, at their usual values: term-frequency saturation and length normalisation. */
export const BM25_DEFAULTS = { k1: 1.2, b: 0.75 } as const;

export type Bm25Search = {
  /** The read-model table searched, and its id, `tsvector` and token-count columns (the count kept when the row is written). */
  table: string;
  columns: { id: string; tsv: string; tokens: string };
  /** Equality filters (workspace, base, scope): the corpus whose statistics the scores use, and the rows that may be hit. */
  where: Record<string, string | number | boolean>;
  /** A `jsonb` column that must contain this object (`@>`), narrowing the corpus as `where` does: a metadata filter. */
  contains?: { column: string; value: Record<string, unknown> };
  query: string;
  /** The text-search configuration the `tsvector` column was built with (`english`, `simple`, …). */
  language: string;
  limit: number;
  k1?: number;
  b?: number;
};

export type Bm25Hit = { id: string; score: number };

/**
 * Ranks rows by Okapi BM25 over PostgreSQL full-text search: `ts_rank_cd` knows nothing of how rare a term
 * is in the corpus, so a common word weighs as much as a rare one. The query's terms are the lexemes its
 * text gives under `language`, any of which may match (OR, as BM25 has it). Statistics (row count,
 * average length, each term's document frequency) are those of the filtered corpus, so one workspace's
 * documents never change another's scores. Term frequency is the number of positions a lexeme has in the
 * `tsvector` (PostgreSQL keeps at most 256 per lexeme). Only rows holding a query term are read, through
 * the column's GIN index.
 */
export const bm25 = async (knex: Knex, search: Bm25Search): Promise<Bm25Hit[]> => {
  const { k1, b } = { ...BM25_DEFAULTS, ...search };
  const filters = Object.entries(search.where);
  const contains = search.contains ? [`?? @> ?::jsonb`] : [];
  const whereSql = [...filters.map(() => '?? = ?'), ...contains].join(' AND ') || 'true';
  const whereBindings: (string | number | boolean)[] = filters.flatMap(([column, value]) => [column, value]);
  if (search.contains) whereBindings.push(search.contains.column, JSON.stringify(search.contains.value));
  const { id, tsv, tokens } = search.columns;
  const sql = `
    WITH terms AS (
      SELECT DISTINCT unnest(tsvector_to_array(to_tsvector(?::regconfig, ?))) AS term
    ), matching AS (
      SELECT to_tsquery('simple', string_agg(quote_literal(term), ' | ')) AS q FROM terms
    ), corpus AS (
      SELECT count(*)::float8 AS n, coalesce(avg(??), 0)::float8 AS avgdl FROM ?? WHERE ${whereSql}
    ), candidates AS (
      SELECT ?? AS id, ?? AS tsv, ??::float8 AS len FROM ??, matching WHERE ${whereSql} AND ?? @@ matching.q
    ), df AS (
      SELECT t.term, count(*)::float8 AS df
      FROM candidates c, unnest(c.tsv) u, terms t WHERE u.lexeme = t.term GROUP BY t.term
    )
    SELECT c.id::text AS id,
      sum(
        ln(1 + (corpus.n - df.df + 0.5) / (df.df + 0.5))
        * (cardinality(u.positions) * (?::float8 + 1))
        / (cardinality(u.positions) + ?::float8 * (1 - ?::float8 + ?::float8 * c.len / greatest(corpus.avgdl, 1)))
      ) AS score
    FROM candidates c CROSS JOIN corpus, unnest(c.tsv) u JOIN df ON df.term = u.lexeme
    GROUP BY c.id
    ORDER BY score DESC, c.id
    LIMIT ?`;
  const bindings = [
    search.language,
    search.query,
    tokens,
    search.table,
    ...whereBindings,
    id,
    tsv,
    tokens,
    search.table,
    ...whereBindings,
    tsv,
    k1,
    k1,
    b,
    b,
    search.limit,
  ];
  const { rows } = (await knex.raw(sql, bindings)) as { rows: { id: string; score: number }[] };
  return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
};
